package dev.pitstop.procedure;

import java.util.List;
import java.util.Optional;

/**
 * A maintenance procedure: a fixed list of named steps that {@link ProcedureRunner} runs under the
 * cluster-wide procedure lock, journaling each before and after it runs. An implementation is
 * built from the parameters it was started with (see {@link ProcedureKind}), and must build the
 * same steps from the same parameters, because a resume rebuilds it from the journaled ones.
 */
public interface Procedure {

    ProcedureKind kind();

    /** What the procedure acts on, for the audit log: {@code cluster}, a release, a backup, ... */
    String target();

    /**
     * What it was started with: a record of the procedure's own, journaled as a JSON object so that
     * a resume rebuilds the same procedure from it.
     */
    Record params();

    /**
     * Checks, under the procedure lock and before anything is journaled or changed, that the
     * procedure can start now.
     *
     * @throws OperationException of kind REFUSED saying why not and what to do
     */
    default void preflight() {
    }

    List<ProcedureStep> steps();

    /**
     * The steps that undo the first {@code completedSteps} steps, in the order they run; empty when
     * the procedure cannot be rolled back. Like the steps, they must be idempotent.
     */
    default List<ProcedureStep> rollbackSteps(int completedSteps) {
        return List.of();
    }

    /**
     * Why the procedure can no longer be rolled back once its step {@code lastStarted} (from 1) has
     * begun — whether or not it ended — and what the operator can do instead of resuming it; empty
     * while {@link #rollbackSteps} can undo it.
     */
    default Optional<String> rollbackRefusal(int lastStarted) {
        return Optional.empty();
    }

    /** Whether a failure of the step at {@code position} (from 1) rolls back at once, without the operator. */
    default boolean rollsBackOnFailureOf(int position) {
        return false;
    }

    /** One line for the operator once the procedure succeeded: the state the cluster is in now. */
    String succeeded();

    /** One line for the operator once the procedure was rolled back: the state the cluster is in now. */
    default String rolledBack() {
        return kind().label() + " was rolled back";
    }
}
