package dev.pitstop.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One procedure as the journal records it.
 *
 * @param rollingBack whether a rollback began: resuming continues the rollback
 * @param params      what the procedure was started with, as journaled (a JSON object), so that a
 *                    resume continues with the same: read it with {@link #params(Class)}
 * @param actor       who started it ({@code user@host})
 * @param origin      the command that started it
 * @param endedAt     when it succeeded or was rolled back; null while open
 * @param message     how it ended, or why it stopped
 * @param steps       every run of every step, in the order they started
 */
public record ProcedureRecord(long id, String kind, ProcedureState state, boolean rollingBack,
                              JsonNode params, String actor, String origin, Instant startedAt,
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

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The parameters as the record the procedure was started with.
     *
     * @throws IllegalStateException when the journaled object does not fit {@code type}: a journal
     *                               written by a Pitstop that named them differently
     */
    public <P extends Record> P params(Class<P> type) {
        try {
            return JSON.treeToValue(params, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalStateException("procedure #" + id + " (" + kind + ") was journaled with parameters "
                    + params + " that this version of Pitstop cannot read as " + type.getSimpleName()
                    + "; finish it with the Pitstop that started it, or give it up with --abandon", e);
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
