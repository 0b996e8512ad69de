package dev.pitstop.status;

import dev.pitstop.control.Cluster;
import dev.pitstop.control.ControlSchemaException;
import dev.pitstop.control.Installations;
import dev.pitstop.control.NodeRecord;
import dev.pitstop.control.NodeRegistry;
import dev.pitstop.control.NodeState;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;

/**
 * The cluster as the control schema tells it: what {@code pitstop status} shows.
 *
 * @param mode      {@code serving} or {@code maintenance}
 * @param release   the version the database was last installed or upgraded to, null before the first install
 * @param procedure the procedure running now, null when none runs
 */
public record ClusterStatus(String mode, String release, List<Node> nodes, Procedure procedure) {

    /**
     * A registered node whose heartbeat is older than this is taken for dead: nodes beat every
     * second, so this allows for a few missed beats and a busy database.
     */
    public static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(5);

    public record Node(String id, String url, String version, String state, String message) {
    }

    public record Procedure(String id, String kind, String step) {
    }

    public static ClusterStatus read(DataSource controlDb) {
        Instant now = databaseNow(controlDb);
        List<Node> nodes = new NodeRegistry(controlDb).list().stream().map(node -> describe(node, now)).toList();
        return new ClusterStatus(new Cluster(controlDb).mode().maintenance() ? "maintenance" : "serving",
                new Installations(controlDb).installedVersion().orElse(null), nodes, null);
    }

    /** Heartbeats carry the database's time; comparing them with it keeps clock skew out. */
    private static Instant databaseNow(DataSource controlDb) {
        try (Connection c = controlDb.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT now()")) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        } catch (SQLException e) {
            throw new ControlSchemaException("cannot read the database's clock", e);
        }
    }

    private static Node describe(NodeRecord node, Instant now) {
        Duration silent = Duration.between(node.heartbeatAt(), now);
        if (node.state() != NodeState.STOPPED && silent.compareTo(HEARTBEAT_TIMEOUT) > 0) {
            return new Node(node.id(), node.url(), node.version(), NodeState.FAILED.label(),
                    "no heartbeat for " + silent.toSeconds() + " s (was " + node.state().label() + ")");
        }
        return new Node(node.id(), node.url(), node.version(), node.state().label(), node.message());
    }
}
