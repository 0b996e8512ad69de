package dev.pitstop.node.http;

import dev.pitstop.control.Cluster;
import dev.pitstop.control.ClusterMode;
import dev.pitstop.control.NodeState;
import java.util.List;

/** What the HTTP layer reads of its node; every call is cheap and lock-free. */
public interface NodeView {

    String id();

    String version();

    NodeState state();

    /** Why the node is in its state, when it is not plainly ready; else null. */
    String message();

    /**
     * Whether the node, ready until now, is stopping: it has told balancers it is leaving and its
     * readiness fails, but it still serves the requests that reach it until it closes.
     */
    boolean draining();

    ClusterMode mode();

    /** Why the database cannot be used now (checked about once a second), or null when it can. */
    String databaseProblem();

    /** A request lost its connection to the database: {@link #databaseProblem()} says so until the next check. */
    void databaseConnectionLost();

    Cluster.TokenHashes tokens();

    List<PluginInfo> plugins();

    record PluginInfo(String id, String version, boolean enabled) {
    }

    /**
     * What {@code /api/info} answers, its release's version first: a plugin's version there is the
     * one installed in the database, which during an online upgrade is still the previous release's.
     */
    record Info(String version, String node, List<PluginInfo> plugins) {
    }
}
