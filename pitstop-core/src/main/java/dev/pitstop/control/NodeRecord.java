package dev.pitstop.control;

import java.time.Instant;

/**
 * One row of the node registry.
 *
 * @param healthPath where the gateway asks whether the node serves; null for Pitstop's own {@code /health/ready}
 * @param held       why a procedure keeps the node out of the rotation though it may be ready; null when none does
 */
public record NodeRecord(String id, String url, String version, NodeState state, String message,
                         Instant startedAt, Instant heartbeatAt, String healthPath, String held) {

    /** Whether clients' requests may go to it: it is ready and no procedure holds it out. */
    public boolean inRotation() {
        return state == NodeState.READY && held == null;
    }
}
