package dev.pitstop.node.plugin;

/**
 * A plugin change that was not made. {@link Reason} says why, and so which answer the admin API
 * gives; in every case nothing was changed.
 */
public class PluginChangeException extends RuntimeException {

    public enum Reason {
        /** The cluster's policy does not allow plugin changes now. */
        POLICY,
        /** The change conflicts with the plugins' states or dependencies, or another change is running. */
        CONFLICT,
        /** The jar is not a usable plugin. */
        INVALID,
        NOT_FOUND,
        /** The upload is larger than the node accepts; none of it was kept. */
        TOO_LARGE,
        /** The change was tried and failed, for example in a migration; it was undone. */
        FAILED
    }

    private final Reason reason;

    public PluginChangeException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public PluginChangeException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
