package dev.pitstop.procedure;

/**
 * A named step of a procedure. Its work must be idempotent: after a crash, the step that was
 * running is run again from its start, whatever part of it had been done.
 *
 * @param pause whether the step is a pause for the operator: the procedure stops there, with its
 *              lock released, until it is resumed (the pause then counts as done) or rolled back
 */
public record ProcedureStep(String name, StepList.Step work, boolean pause) {

    public static ProcedureStep of(String name, StepList.Step work) {
        return new ProcedureStep(name, work, false);
    }

    /** A pause for the operator, e.g. to verify through the gateway's bypass before traffic returns. */
    public static ProcedureStep pause(String name) {
        return new ProcedureStep(name, () -> { }, true);
    }
}
