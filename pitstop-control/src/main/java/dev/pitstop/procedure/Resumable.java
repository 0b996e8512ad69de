package dev.pitstop.procedure;

import dev.pitstop.control.ProcedureRecord;
import java.util.function.Function;

/**
 * How an open procedure of one kind is rebuilt from the journal, to be resumed or rolled back: the
 * record its parameters were journaled from, and what makes the procedure again from them.
 */
public record Resumable<P extends Record>(Class<P> params, Function<P, Procedure> rebuild) {

    /**
     * The procedure {@code open} journaled.
     *
     * @throws OperationException (refused) when its parameters do not fit: a journal written by
     *                            a Pitstop that named them differently
     */
    Procedure of(ProcedureRecord open) {
        try {
            return rebuild.apply(open.params(params));
        } catch (IllegalStateException e) {
            throw OperationException.refused(e.getMessage());
        }
    }
}
