package dev.pitstop.control;

import java.util.Locale;

/** Where a journaled procedure stands. */
public enum ProcedureState {
    /** Its steps are running, or were when its operator process died (then it is interrupted). */
    RUNNING,
    /** Stopped on purpose, waiting for the operator to resume it or roll it back. */
    PAUSED,
    /** Stopped at a step that failed; the operator fixes the cause and resumes it, or rolls it back. */
    FAILED,
    SUCCEEDED,
    ROLLED_BACK,
    /** Given up by an operator: ended as it stood, nothing undone or finished. */
    ABANDONED;

    /** Whether the procedure is still open: it blocks other procedures until it ends. */
    public boolean open() {
        return this == RUNNING || this == PAUSED || this == FAILED;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static ProcedureState of(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
