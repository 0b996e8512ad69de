package dev.pitstop.status;

import dev.pitstop.control.Cluster;
import dev.pitstop.control.ControlSchemaException;
import dev.pitstop.control.Installations;
import dev.pitstop.control.NodeRecord;
import dev.pitstop.control.NodeRegistry;
import dev.pitstop.control.NodeState;
import dev.pitstop.control.Policy;
import dev.pitstop.control.ProcedureJournal;
import dev.pitstop.control.ProcedureRecord;
import dev.pitstop.procedure.ProcedureLock;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The cluster as the control schema tells it: what {@code pitstop status} shows.
 *
 * @param mode       {@code serving} or {@code maintenance}
 * @param release    the version the database was last installed or upgraded to, null before the first install
 * @param windowOpen whether a maintenance window is open
 * @param policy     what the cluster allows: {@code plugins}, {@code upgrade}
 * @param procedure  the open procedure (running, interrupted, paused or failed), null when there is none
 */
public record ClusterStatus(String mode, String release, boolean windowOpen, Map<String, String> policy,
                            List<Node> nodes, Procedure procedure) {

    /**
     * A registered node whose heartbeat is older than this is taken for dead: nodes beat every
     * second, so this allows for a few missed beats and a busy database.
     */
    public static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(5);

    public record Node(String id, String url, String version, String state, String message) {
    }

    /**
     * @param state {@code running} or {@code rolling-back} (its operator's process runs it now),
     *              {@code interrupted} (that process died), {@code paused} or {@code failed}
     * @param step  the step running, or the last one run; null before the first
     */
    public record Procedure(long id, String kind, String step, String state, String actor, String startedAt) {
    }

    public static ClusterStatus read(DataSource controlDb) {
        Instant now = databaseNow(controlDb);
        List<Node> nodes = new NodeRegistry(controlDb).list().stream().map(node -> describe(node, now)).toList();
        Cluster cluster = new Cluster(controlDb);
        Policy policy = cluster.policy();
        Procedure procedure = new ProcedureJournal(controlDb).open()
                .map(open -> describe(open, ProcedureLock.holder(controlDb).isPresent())).orElse(null);
        return new ClusterStatus(cluster.mode().maintenance() ? "maintenance" : "serving",
                new Installations(controlDb).installedVersion().orElse(null), policy.windowOpen(),
                policyOf(policy), nodes, procedure);
    }

    private static Map<String, String> policyOf(Policy policy) {
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put("plugins", policy.plugins());
        shown.put("upgrade", policy.upgrade());
        return shown;
    }

    private static Procedure describe(ProcedureRecord open, boolean lockHeld) {
        String state = switch (open.state()) {
            case RUNNING -> !lockHeld ? "interrupted" : open.rollingBack() ? "rolling-back" : "running";
            default -> open.state().label();
        };
        ProcedureRecord.StepRecord step = open.currentStep();
        return new Procedure(open.id(), open.kind(), step == null ? null : step.name(), state, open.actor(),
                open.startedAt().truncatedTo(ChronoUnit.SECONDS).toString());
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
        String held = node.held() == null ? null : "out of rotation: " + node.held();
        String message = node.message() == null ? held : held == null ? node.message() : node.message() + "; " + held;
        return new Node(node.id(), node.url(), node.version(), node.state().label(), message);
    }
}
