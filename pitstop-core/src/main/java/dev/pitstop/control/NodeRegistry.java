package dev.pitstop.control;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/** The nodes of the cluster, as they registered themselves; changes are announced on {@link #CHANNEL}. */
public final class NodeRegistry {

    public static final String CHANNEL = "pitstop_nodes";

    private final DataSource dataSource;

    public NodeRegistry(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void register(String id, String url, String version, NodeState state) {
        register(id, url, version, state, null);
    }

    /** The same, for a node the gateway checks at {@code healthPath} (null: Pitstop's own {@code /health/ready}). */
    public void register(String id, String url, String version, NodeState state, String healthPath) {
        Sql.updateAndNotify(dataSource, CHANNEL, """
                INSERT INTO pitstop.nodes (id, url, version, state, message, started_at, heartbeat_at, health_path)
                VALUES (?, ?, ?, ?, NULL, now(), now(), ?)
                ON CONFLICT (id) DO UPDATE SET url = excluded.url, version = excluded.version,
                    state = excluded.state, message = NULL, started_at = now(), heartbeat_at = now(),
                    health_path = excluded.health_path
                """, id, url, version, state.label(), healthPath);
    }

    public void setState(String id, NodeState state, String message) {
        Sql.updateAndNotify(dataSource, CHANNEL,
                "UPDATE pitstop.nodes SET state = ?, message = ?, heartbeat_at = now() WHERE id = ?",
                state.label(), message, id);
    }

    /**
     * Keeps the node out of the rotation, even once it is ready, until {@link #release}; it keeps the
     * hold when it registers again. The gateway follows at once; {@code reason} shows in {@code status}.
     */
    public void hold(String id, String reason) {
        Sql.updateAndNotify(dataSource, CHANNEL, "UPDATE pitstop.nodes SET held = ? WHERE id = ?", reason, id);
    }

    /** Lets the node take traffic again whenever it is ready. */
    public void release(String id) {
        Sql.updateAndNotify(dataSource, CHANNEL, "UPDATE pitstop.nodes SET held = NULL WHERE id = ?", id);
    }

    /** Lifts every hold: for a procedure given up, which will never release its nodes itself. */
    public void releaseAll() {
        Sql.updateAndNotify(dataSource, CHANNEL, "UPDATE pitstop.nodes SET held = NULL WHERE held IS NOT NULL");
    }

    public void heartbeat(String id) {
        Sql.update(dataSource, "UPDATE pitstop.nodes SET heartbeat_at = now() WHERE id = ?", id);
    }

    public List<NodeRecord> list() {
        return Sql.list(dataSource, "SELECT id, url, version, state, message, started_at, heartbeat_at, health_path,"
                + " held FROM pitstop.nodes ORDER BY id", NodeRegistry::map);
    }

    private static NodeRecord map(ResultSet rs) throws SQLException {
        return new NodeRecord(rs.getString(1), rs.getString(2), rs.getString(3), NodeState.of(rs.getString(4)),
                rs.getString(5), rs.getTimestamp(6).toInstant(), rs.getTimestamp(7).toInstant(), rs.getString(8), rs.getString(9));
    }
}
