package dev.pitstop.db;

import java.sql.SQLException;
import java.util.Set;

/** Tells a database that went away from an error of the statement or the code that ran it. */
public final class DatabaseFailure {

    /** admin_shutdown, crash_shutdown, cannot_connect_now (starting up or recovering). */
    private static final Set<String> SERVER_GONE = Set.of("57P01", "57P02", "57P03");

    private DatabaseFailure() {
    }

    /**
     * Whether {@code failure} (or one of its causes) says the connection to the database was lost or
     * could not be made: SQLSTATE class 08, or a server shutting down or crashed (57P01-57P03). A pool
     * that timed out because the database is gone carries the failed connection attempt as its cause;
     * one that timed out only because every connection was busy does not count.
     */
    public static boolean isConnectionLost(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || SERVER_GONE.contains(sql.getSQLState()))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
