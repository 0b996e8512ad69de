package dev.pitstop.procedure;

import dev.pitstop.control.AdvisoryLock;
import dev.pitstop.control.ControlSchemaException;
import dev.pitstop.db.DbSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The cluster-wide procedure lock: held by the operator process running a procedure, on a
 * database session of its own. It dies with that process, so a procedure whose journal says it
 * runs while nobody holds the lock was interrupted.
 */
public final class ProcedureLock implements AutoCloseable {

    private final AdvisoryLock lock;

    private ProcedureLock(AdvisoryLock lock) {
        this.lock = lock;
    }

    /**
     * Takes the lock if no other operator process holds it.
     *
     * @param holder what other operators see as the holder while the journal does not name it yet
     */
    static Optional<ProcedureLock> tryAcquire(DbSettings db, String holder) {
        try {
            return AdvisoryLock.tryAcquire(db, AdvisoryLock.PROCEDURE, holder).map(ProcedureLock::new);
        } catch (SQLException e) {
            throw OperationException.failed("cannot reach the cluster's database " + db + " to take the procedure lock: "
                    + e.getMessage());
        }
    }

    /** Who holds the lock now (their database session's name), if anyone does. */
    public static Optional<String> holder(DataSource controlDb) {
        try (Connection c = controlDb.getConnection()) {
            return AdvisoryLock.holder(c, AdvisoryLock.PROCEDURE);
        } catch (SQLException e) {
            throw new ControlSchemaException("cannot read who holds the procedure lock", e);
        }
    }

    @Override
    public void close() {
        try {
            lock.close();
        } catch (SQLException e) {
            // The session is closed either way, and closing it releases the lock.
        }
    }
}
