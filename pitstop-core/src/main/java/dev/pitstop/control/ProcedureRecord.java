package dev.pitstop.control;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One procedure as the journal records it.
 *
 * @param rollingBack whether a rollback began: resuming continues the rollback
 * @param params      what the procedure was started with, so a resume continues with the same
 * @param actor       who started it ({@code user@host})
 * @param origin      the command that started it
 * @param endedAt     when it succeeded or was rolled back; null while open
 * @param message     how it ended, or why it stopped
 * @param steps       every run of every step, in the order they started
 */
public record ProcedureRecord(long id, String kind, ProcedureState state, boolean rollingBack,
                              Map<String, String> params, String actor, String origin, Instant startedAt,
                              Instant endedAt, String message, List<StepRecord> steps) {

    /**
     * One run of a step.
     *
     * @param position the step's place in the forward (or, for {@code rollback}, the rollback) list, from 1
     * @param endedAt  null while running, or when the run was cut short
     */
    public record StepRecord(long id, int position, boolean rollback, String name, StepState state,
                             Instant startedAt, Instant endedAt, String message) {

        /** How long the run took; null when it has not ended. */
        public Duration duration() {
            return endedAt == null ? null : Duration.between(startedAt, endedAt);
        }
    }

    /** The step that runs (or ran last), or null before the first. */
    public StepRecord currentStep() {
        return steps.isEmpty() ? null : steps.get(steps.size() - 1);
    }

    /** The last step of the forward (or rollback) list that began, done or not; 0 before the first. */
    public int lastStartedStep(boolean rollback) {
        return steps.stream().filter(step -> step.rollback() == rollback).mapToInt(StepRecord::position).max().orElse(0);
    }

    /** How many steps of the forward (or rollback) list are done, counting from the first. */
    public int completedSteps(boolean rollback) {
        int completed = 0;
        for (StepRecord step : steps) {
            if (step.rollback() == rollback && step.state() == StepState.DONE) {
                completed = Math.max(completed, step.position());
            }
        }
        return completed;
    }
}
