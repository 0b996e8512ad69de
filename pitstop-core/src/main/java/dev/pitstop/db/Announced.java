package dev.pitstop.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Changes that other processes learn about through LISTEN/NOTIFY. The notification is sent in the
 * change's own transaction, so PostgreSQL delivers it only if the change commits, and only after.
 */
public final class Announced {

    private Announced() {
    }

    /** Runs {@code sql} with {@code args} and notifies {@code channel}, in one transaction. */
    public static void update(DataSource dataSource, String channel, String sql, Object... args) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql);
                 PreparedStatement notify = c.prepareStatement("SELECT pg_notify(?, 'changed')")) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                ps.executeUpdate();
                notify.setString(1, channel);
                notify.execute();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }
}
