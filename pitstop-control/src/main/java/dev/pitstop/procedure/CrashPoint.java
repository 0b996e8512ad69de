package dev.pitstop.procedure;

/**
 * Crash injection for the tests of {@code --resume} and {@code --rollback}: with
 * {@code PITSTOP_CRASH_AT=<kind>:<step>:<start|end>} in its environment, the operator's process
 * halts as SIGKILL would (no shutdown hooks, nothing flushed but what was written) when that step
 * of that procedure starts, or after its work and before the journal records it done. A test can
 * then crash at every step deterministically, where a kill from outside would race fast steps.
 * Unset, it costs one string comparison per step.
 */
final class CrashPoint {

    private static final String AT = System.getenv("PITSTOP_CRASH_AT");

    private CrashPoint() {
    }

    static void reached(ProcedureKind kind, boolean rollback, int position, String moment) {
        if (AT != null && !rollback && AT.equals(kind.label() + ":" + position + ":" + moment)) {
            System.out.flush();
            Runtime.getRuntime().halt(137);
        }
    }
}
