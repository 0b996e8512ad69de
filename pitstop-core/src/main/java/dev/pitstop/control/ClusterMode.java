package dev.pitstop.control;

/** Whether the cluster serves traffic, and what it answers while it does not. */
public record ClusterMode(boolean maintenance, String pageHtml, int retryAfterSeconds) {
}
