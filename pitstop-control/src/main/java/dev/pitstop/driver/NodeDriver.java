package dev.pitstop.driver;

import dev.pitstop.release.Release;
import java.time.Duration;
import java.util.List;

/**
 * Where the cluster's nodes run: local processes under a supervisor, a Kubernetes Deployment, ...
 * Procedures see nodes only through this interface, so every procedure works with every driver.
 */
public interface NodeDriver {

    /** The ids of the nodes this driver runs, in the order they are started. */
    List<String> nodeIds();

    /** Starts the node and returns without waiting for it to be ready; a running node is left alone. */
    void start(String nodeId);

    /**
     * Stops the node gracefully: it drains its requests and exits, and is killed only if it has not
     * exited within its shutdown timeout. Returns once it has stopped; a stopped node is left alone.
     */
    void stop(String nodeId);

    /**
     * Nodes started from now on run {@code release}.
     *
     * @throws dev.pitstop.procedure.OperationException (refused) while any node runs
     */
    void useRelease(Release release);

    /**
     * Node {@code nodeId}, when it starts next, runs {@code release}; the other nodes keep theirs. For
     * the online upgrade, which replaces the nodes one at a time while both releases serve (the
     * default {@link #replace}).
     *
     * @throws dev.pitstop.procedure.OperationException (refused) while that node runs, or when the
     *                                                   driver cannot run two releases at once
     */
    default void useRelease(String nodeId, Release release) {
        throw dev.pitstop.procedure.OperationException.refused(mixedReleasesUnsupported());
    }

    /** Whether nodes of two releases can run at once: {@link #replace} works. */
    default boolean runsMixedReleases() {
        return false;
    }

    /**
     * The online upgrade's replacement of node {@code nodeId} by a node of {@code release}, the
     * other nodes serving meanwhile; it returns once {@code replacement} has verified the new node.
     * Idempotent, so that a resumed step can run it again: a node that already passes verification
     * is left as it is. The online upgrade calls it for each node in turn and for its rollback,
     * whatever the driver, so the procedure is one.
     *
     * <p>The default is for nodes with a place of their own (local processes: an id, a port): the
     * node is held out of the rotation, stopped, started on {@code release} in its place and
     * verified. A driver whose nodes have no place of their own (pods) replaces them its own way.
     *
     * @throws NodeFailedException when the new node does not become ready
     * @throws dev.pitstop.procedure.OperationException when it fails verification, or the driver
     *                                                   cannot run two releases at once
     */
    default void replace(String nodeId, Release release, Replacement replacement) {
        if (replacement.passes(nodeId)) {
            return;
        }
        replacement.holdOut(nodeId);
        stop(nodeId);
        useRelease(nodeId, release);
        start(nodeId);
        awaitReady(nodeId, replacement.readyTimeout());
        replacement.verify(nodeId);
    }

    /**
     * How {@link #replace} replaces {@code nodeId}, for the online upgrade's step names.
     *
     * @param verification what verifying a node means, e.g. "ready and 2 checks"
     */
    default String describeReplace(String nodeId, String version, String verification) {
        return "replace " + nodeId + ": out of rotation, drain and stop it, start it on " + version + ", verify it ("
                + verification + "), back in rotation";
    }

    /** Why an online upgrade cannot run on this driver. */
    default String mixedReleasesUnsupported() {
        return getClass().getSimpleName() + " cannot run nodes of two releases at once: upgrade without --online";
    }

    /** Every node of this driver with its current state. */
    List<NodeStatus> nodes();

    /**
     * Waits until the node answers ready.
     *
     * @throws NodeFailedException when it exits, reports a state it cannot leave on its own
     *                             ({@code failed}, {@code incompatible}), or is not ready in time;
     *                             the message says which, with the node's last message and its log
     */
    void awaitReady(String nodeId, Duration timeout);

    /**
     * How long a node's {@link NodeStatus#url() URL} may take to reach the node once it reports
     * ready: none when the URL is the node's own; a moment when it is a load balancer's, which
     * learns of the readiness on its own schedule.
     */
    default Duration routingDelay() {
        return Duration.ZERO;
    }
}
