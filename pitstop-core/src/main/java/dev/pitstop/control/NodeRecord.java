package dev.pitstop.control;

import java.time.Instant;

/** One row of the node registry. */
public record NodeRecord(String id, String url, String version, NodeState state, String message,
                         Instant startedAt, Instant heartbeatAt) {
}
