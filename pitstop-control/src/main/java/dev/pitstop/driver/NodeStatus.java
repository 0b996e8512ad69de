package dev.pitstop.driver;

import dev.pitstop.control.NodeState;

/** A node as its driver sees it; {@code message} says why it is not ready, or is null. */
public record NodeStatus(String id, String url, NodeState state, String message) {
}
