package dev.pitstop.control;

import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;

/** Every maintenance operation: when, what, on what, by whom, from where, and how it ended. */
public final class AuditLog {

    private final DataSource dataSource;

    public AuditLog(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public record Entry(long id, Instant at, String operation, String target, String actor, String origin,
                        String outcome, String message) {
    }

    public void record(String operation, String target, String actor, String origin, String outcome, String message) {
        Sql.update(dataSource, "INSERT INTO pitstop.audit (operation, target, actor, origin, outcome, message)"
                + " VALUES (?, ?, ?, ?, ?, ?)", operation, target, actor, origin, outcome, message);
    }

    /** The newest entries first. */
    public List<Entry> latest(int limit) {
        return Sql.list(dataSource, "SELECT id, at, operation, target, actor, origin, outcome, message"
                + " FROM pitstop.audit ORDER BY id DESC LIMIT ?", rs -> new Entry(rs.getLong(1),
                rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getString(7), rs.getString(8)), limit);
    }
}
