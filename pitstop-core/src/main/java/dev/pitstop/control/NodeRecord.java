package dev.pitstop.control;

import java.time.Instant;

/**
 * One row of the node registry.
 *
 * @param healthPath where the gateway asks whether the node serves; null for Pitstop's own {@code /health/ready}
 */
public record NodeRecord(String id, String url, String version, NodeState state, String message,
                         Instant startedAt, Instant heartbeatAt, String healthPath) {
}
