package dev.pitstop.control;

/** A node's state as registered in the control schema and shown by {@code pitstop status}. */
public enum NodeState {
    STARTING, INSTALLING, UPGRADING, READY, STOPPED, INCOMPATIBLE, FAILED;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static NodeState of(String label) {
        return valueOf(label.toUpperCase(java.util.Locale.ROOT));
    }
}
