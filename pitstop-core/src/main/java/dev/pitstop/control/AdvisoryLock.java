package dev.pitstop.control;

import dev.pitstop.db.Database;
import dev.pitstop.db.DbSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * A cluster-wide PostgreSQL advisory lock, held by a session of its own. If the holder dies, its
 * session ends and PostgreSQL releases the lock: a crash can never leave the cluster locked.
 */
public final class AdvisoryLock implements AutoCloseable {

    /** Held by the node that installs or upgrades the application schema. */
    public static final long INSTALL = 0x7069_7473_0001L;

    /** Held by the operator process that runs a procedure: one procedure at a time in the cluster. */
    public static final long PROCEDURE = 0x7069_7473_0002L;

    /** Held by the node that changes plugins, so two plugin changes never interleave. */
    public static final long PLUGIN_CHANGE = 0x7069_7473_0003L;

    /** Held by the node that makes a scheduled backup, so that one node makes each. */
    public static final long BACKUP_SCHEDULE = 0x7069_7473_0B4BL;

    /** Held by a restore's transaction (a transaction-level lock), so that two restores never interleave. */
    public static final long RESTORE = 0x7069_7473_0B52L;

    private final Connection session;
    private final long key;

    private AdvisoryLock(Connection session, long key) {
        this.session = session;
        this.key = key;
    }

    /**
     * Takes the lock if it is free. {@code holderName} is the application name other sessions see
     * when they ask {@link #holder} who has it.
     */
    public static Optional<AdvisoryLock> tryAcquire(DbSettings db, long key, String holderName) throws SQLException {
        Connection session = Database.connect(db, holderName);
        try (PreparedStatement ps = session.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return Optional.of(new AdvisoryLock(session, key));
                }
            }
        } catch (SQLException e) {
            session.close();
            throw e;
        }
        session.close();
        return Optional.empty();
    }

    /** The application name of the session holding the lock, if any session does. */
    public static Optional<String> holder(Connection c, long key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
                  AND l.classid = ? AND l.objid = ?
                """)) {
            ps.setLong(1, key >>> 32);
            ps.setLong(2, key & 0xFFFF_FFFFL);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    @Override
    public void close() throws SQLException {
        try (PreparedStatement ps = session.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            ps.setLong(1, key);
            ps.execute();
        } finally {
            session.close();
        }
    }
}
