package dev.pitstop.control;

import java.util.Locale;

/** How one run of a procedure step went, as the journal records it. */
public enum StepState {
    /** Started and not ended: running now, or cut short when its operator process died. */
    RUNNING,
    DONE,
    FAILED,
    /** A pause for the operator: the procedure waits here until it is resumed or rolled back. */
    PAUSED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static StepState of(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
