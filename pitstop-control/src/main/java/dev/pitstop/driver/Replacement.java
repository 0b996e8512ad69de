package dev.pitstop.driver;

import dev.pitstop.procedure.OperationException;
import java.time.Duration;

/**
 * What the online upgrade gives a driver replacing one of its nodes ({@link NodeDriver#replace}):
 * how to take a node out of the rotation, how to verify a new node, how long one may take to be ready.
 * Nodes are named by the id they register with: the driver's own id for a local process, the pod's
 * name for a pod.
 */
public interface Replacement {

    /** How long a new node may take to become ready. */
    Duration readyTimeout();

    /** Takes the node out of the rotation before it stops serving, so that no new request reaches it. */
    void holdOut(String nodeId);

    /**
     * Verifies that the node serves the release it is to run: ready, its version, the configured checks.
     *
     * @throws OperationException (failed) naming the node and what it answered
     */
    void verify(String nodeId);

    /** Whether the node passes {@link #verify}: for a step run again, which finds it done. */
    default boolean passes(String nodeId) {
        try {
            verify(nodeId);
            return true;
        } catch (OperationException e) {
            return false;
        }
    }
}
