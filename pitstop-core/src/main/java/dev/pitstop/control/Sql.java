package dev.pitstop.control;

import dev.pitstop.db.Announced;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** The few JDBC shapes the control schema needs, with its errors turned into one exception type. */
final class Sql {

    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private Sql() {
    }

    /** The first row mapped, or null when there is none. */
    static <T> T query(DataSource ds, String sql, RowMapper<T> mapper, Object... args) {
        List<T> rows = list(ds, sql, mapper, args);
        return rows.isEmpty() ? null : rows.get(0);
    }

    static <T> List<T> list(DataSource ds, String sql, RowMapper<T> mapper, Object... args) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = prepare(c, sql, args);
             ResultSet rs = ps.executeQuery()) {
            List<T> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(mapper.map(rs));
            }
            return rows;
        } catch (SQLException e) {
            throw new ControlSchemaException("control schema query failed: " + sql, e);
        }
    }

    /**
     * The rows of a query another party wrote (a release descriptor's), in a read-only transaction:
     * whatever the text says, it cannot change the database.
     *
     * @throws java.sql.SQLException as it is, for the caller to say whose query failed
     */
    static <T> List<T> listReadOnly(DataSource ds, String sql, RowMapper<T> mapper) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
                return rows;
            } finally {
                c.rollback();
            }
        }
    }

    static int update(DataSource ds, String sql, Object... args) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = prepare(c, sql, args)) {
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new ControlSchemaException("control schema update failed: " + sql, e);
        }
    }

    /** Runs the update and announces it on {@code channel} in one transaction. */
    static void updateAndNotify(DataSource ds, String channel, String sql, Object... args) {
        try {
            Announced.update(ds, channel, sql, args);
        } catch (SQLException e) {
            throw new ControlSchemaException("control schema update failed: " + sql, e);
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        return ps;
    }
}
