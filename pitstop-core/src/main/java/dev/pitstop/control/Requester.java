package dev.pitstop.control;

/** Who asked for a maintenance operation and from where, as the audit log records it. */
public record Requester(String actor, String origin) {
}
