package dev.pitstop.procedure;

import dev.pitstop.control.AuditLog;
import dev.pitstop.control.Cluster;
import dev.pitstop.control.NodeRegistry;
import dev.pitstop.control.ProcedureJournal;
import dev.pitstop.control.ProcedureRecord;
import dev.pitstop.control.ProcedureState;
import dev.pitstop.control.StepState;
import dev.pitstop.db.Database;
import dev.pitstop.db.DatabaseFailure;
import dev.pitstop.db.DbSettings;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.MDC;

/**
 * Runs procedures: under the procedure lock, with every step journaled before and after it runs,
 * shown with its timing, and an audit entry when the procedure ends. A procedure that stops —
 * its operator process died, a step failed, or it paused for the operator — stays open in the
 * journal and blocks every other procedure until it is resumed from the first step not done, or
 * rolled back.
 */
public final class ProcedureRunner {

    /** How a procedure run ended, short of failing (which throws). */
    public enum Outcome {
        SUCCEEDED,
        /** Paused for the operator at a pause step; the lock is released. */
        PAUSED,
        /** Rolled back on the operator's request. */
        ROLLED_BACK
    }

    /** How long the check after a failed step waits for the database: a live one answers in milliseconds. */
    private static final Duration DATABASE_CHECK_TIMEOUT = Duration.ofSeconds(2);
    /** The logging context (SLF4J's MDC) of every line logged while a step runs. */
    public static final String LOG_PROCEDURE = "procedure";
    public static final String LOG_KIND = "procedure_kind";
    public static final String LOG_STEP = "step";

    private final DbSettings db;
    private final DataSource controlDb;
    private final ProcedureJournal journal;
    private final AuditLog audit;
    private final Operator operator;
    private final PrintStream out;

    public ProcedureRunner(DbSettings db, DataSource controlDb, Operator operator, PrintStream out) {
        this.db = db;
        this.controlDb = controlDb;
        this.journal = new ProcedureJournal(controlDb);
        this.audit = new AuditLog(controlDb);
        this.operator = operator;
        this.out = out;
    }

    /**
     * Starts a new procedure and runs it to its end, or to a pause.
     *
     * @throws OperationException REFUSED (nothing changed) when another procedure runs or is open, or
     *                            the preflight refuses; FAILED when a step failed (the procedure
     *                            stays open) or an automatic rollback ran (its message says so)
     */
    public Outcome start(Procedure procedure) {
        ProcedureKind kind = procedure.kind();
        try (ProcedureLock ignored = acquire(kind, procedure.target())) {
            Optional<ProcedureRecord> open = journal.open();
            if (open.isPresent()) {
                throw refused(kind, procedure.target(), describe(open.get(), condition(open.get())) + "; "
                        + ProcedureKind.howToFinish(open.get().kind()));
            }
            try {
                procedure.preflight();
            } catch (OperationException e) {
                if (e.kind() == OperationException.Kind.REFUSED) {
                    audit(kind, procedure.target(), "refused", e.getMessage());
                }
                throw e;
            }
            long id = journal.begin(kind.label(), procedure.params(), operator.actor(), operator.origin());
            out.printf("%s: procedure #%d (if it is interrupted, %s)%n", kind.label(), id, kind.howToFinish());
            return forward(id, procedure, 1, false);
        }
    }

    /**
     * Continues the open procedure of {@code kind} from its first step not done, or continues its
     * rollback if one began; {@code procedures} rebuilds it from its journaled parameters.
     */
    public Outcome resume(ProcedureKind kind, Resumable<?> procedures) {
        try (ProcedureLock ignored = acquire(kind, "cluster")) {
            ProcedureRecord open = openOf(kind, "resume");
            Procedure procedure = procedures.of(open);
            journal.setState(open.id(), ProcedureState.RUNNING, null);
            if (open.rollingBack()) {
                out.printf("Continuing the rollback of %s%n", describe(open, condition(open)));
                return rollback(open.id(), procedure, procedure.rollbackSteps(open.completedSteps(false)),
                        open.completedSteps(true) + 1, null);
            }
            out.printf("Resuming %s%n", describe(open, condition(open)));
            return forward(open.id(), procedure, open.completedSteps(false) + 1, true);
        }
    }

    /** Rolls back the open procedure of {@code kind}, continuing a rollback that began. */
    public Outcome rollback(ProcedureKind kind, Resumable<?> procedures) {
        try (ProcedureLock ignored = acquire(kind, "cluster")) {
            ProcedureRecord open = openOf(kind, "roll back");
            Procedure procedure = procedures.of(open);
            Optional<String> refusal = open.rollingBack() ? Optional.empty()
                    : procedure.rollbackRefusal(open.lastStartedStep(false));
            if (refusal.isPresent()) {
                throw refused(kind, procedure.target(), describe(open, condition(open)) + " cannot be rolled back: "
                        + refusal.get() + ". Nothing was changed; once the cause is fixed, continue it with '"
                        + kind.command() + " --resume'");
            }
            List<ProcedureStep> undo = procedure.rollbackSteps(open.completedSteps(false));
            if (undo.isEmpty()) {
                throw refused(kind, procedure.target(), kind.label() + " cannot be rolled back; "
                        + kind.howToFinish());
            }
            out.printf("Rolling back %s%n", describe(open, condition(open)));
            journal.rollbackStarted(open.id());
            return rollback(open.id(), procedure, undo, open.rollingBack() ? open.completedSteps(true) + 1 : 1, null);
        }
    }

    /**
     * Gives up on the open procedure of {@code kind}, for an operator who cannot finish it with a
     * resume or a rollback: it ends as {@code abandoned}, with no step undone or finished, so that
     * other procedures may run again. The upgrade authorisation a node may still hold is withdrawn:
     * no node changes the database for a procedure nobody runs.
     *
     * @return what the cluster is left with, in words, as also written to the journal and audit log
     */
    public String abandon(ProcedureKind kind) {
        try (ProcedureLock ignored = acquire(kind, "cluster")) {
            ProcedureRecord open = openOf(kind, "abandon");
            new Cluster(controlDb).setUpgradeTarget(null);
            new NodeRegistry(controlDb).releaseAll();
            String message = describe(open, condition(open)) + " was abandoned by " + operator.actor()
                    + ": nothing was undone or finished. The cluster stays as the procedure left it — its nodes "
                    + "stopped or running, on the release they had, the status page up or down, the data as the last "
                    + "step left it — except that nodes it held out of the rotation are let back in; other procedures "
                    + "may run again. 'pitstop status' shows the nodes and the "
                    + "mode; 'pitstop maintenance page off' takes a status page down; the backups it took stay in "
                    + "the backups directory ('pitstop backup list')";
            journal.setState(open.id(), ProcedureState.ABANDONED, message);
            audit(kind, "cluster", "abandoned", message);
            return message;
        }
    }

    private Outcome forward(long id, Procedure procedure, int from, boolean resuming) {
        List<ProcedureStep> steps = procedure.steps();
        StepList list = new StepList(out);
        for (int position = 1; position < from; position++) {
            list.show(position, steps.get(position - 1).name(), "done before");
        }
        for (int position = from; position <= steps.size(); position++) {
            ProcedureStep step = steps.get(position - 1);
            if (step.pause()) {
                long stepId = journal.stepStarted(id, position, false, step.name());
                if (resuming && position == from) {
                    journal.stepEnded(stepId, StepState.DONE, "resumed by " + operator.actor());
                    list.show(position, step.name(), "resumed");
                    continue;
                }
                journal.stepEnded(stepId, StepState.PAUSED, null);
                journal.setState(id, ProcedureState.PAUSED, "paused at: " + step.name());
                list.show(position, step.name(), "paused");
                out.printf("Paused for you at step %d; then %s%n", position, procedure.kind().howToFinish());
                return Outcome.PAUSED;
            }
            try {
                runStep(id, procedure.kind(), position, false, step, list);
            } catch (RuntimeException e) {
                if (databaseLost(e)) {
                    // Neither journal nor rollback can be written: the step stays open in the journal,
                    // as after a crash of this process, and --resume runs it again.
                    throw OperationException.failed("the database became unreachable at step " + position + " ("
                            + step.name() + "): " + messageOf(e) + "; once it is back: "
                            + procedure.kind().command() + " --resume");
                }
                if (procedure.rollsBackOnFailureOf(position)) {
                    out.printf("Rolling back, because step %d failed: %s%n", position, messageOf(e));
                    journal.rollbackStarted(id);
                    return rollback(id, procedure, procedure.rollbackSteps(position - 1), 1, e); // throws
                }
                String message = procedure.kind().label() + " stopped at step " + position + " (" + step.name()
                        + "): " + messageOf(e) + "; once the cause is fixed, " + procedure.rollbackRefusal(position)
                        .map(why -> "continue it with '" + procedure.kind().command() + " --resume' (it cannot be "
                                + "rolled back: " + why + ")")
                        .orElse(procedure.kind().howToFinish());
                end(id, procedure, ProcedureState.FAILED, "failed", message);
                throw OperationException.failed(message);
            }
        }
        end(id, procedure, ProcedureState.SUCCEEDED, "succeeded", procedure.succeeded());
        out.println(procedure.succeeded());
        return Outcome.SUCCEEDED;
    }

    /**
     * Runs rollback steps from {@code from}. After an automatic rollback ({@code cause} not null)
     * it throws: the procedure failed, and the message says it was rolled back and why.
     */
    private Outcome rollback(long id, Procedure procedure, List<ProcedureStep> undo, int from, RuntimeException cause) {
        StepList list = new StepList(out);
        for (int position = 1; position < from; position++) {
            list.show(position, undo.get(position - 1).name(), "done before");
        }
        for (int position = from; position <= undo.size(); position++) {
            ProcedureStep step = undo.get(position - 1);
            try {
                runStep(id, procedure.kind(), position, true, step, list);
            } catch (RuntimeException e) {
                String message = "the rollback of " + procedure.kind().label() + " stopped at step " + position
                        + " (" + step.name() + "): " + messageOf(e) + (cause == null ? "" : " (it rolled back because: "
                        + messageOf(cause) + ")") + "; once the cause is fixed, run '" + procedure.kind().command()
                        + " --rollback' again; " + procedure.kind().howToGiveUp();
                end(id, procedure, ProcedureState.FAILED, "failed", message);
                throw OperationException.failed(message);
            }
        }
        if (cause != null) {
            String message = procedure.rolledBack() + "; cause: " + messageOf(cause);
            end(id, procedure, ProcedureState.ROLLED_BACK, "failed", message);
            throw OperationException.failed(message);
        }
        end(id, procedure, ProcedureState.ROLLED_BACK, "failed", procedure.rolledBack() + " on request of "
                + operator.actor());
        out.println(procedure.rolledBack());
        return Outcome.ROLLED_BACK;
    }

    private void runStep(long id, ProcedureKind kind, int position, boolean rollback, ProcedureStep step,
                         StepList list) {
        long stepId = journal.stepStarted(id, position, rollback, step.name());
        CrashPoint.reached(kind, rollback, position, "start");
        // Every line the step's thread logs names the procedure and the step (JSON lines carry them as fields).
        try (MDC.MDCCloseable procedure = MDC.putCloseable(LOG_PROCEDURE, Long.toString(id));
             MDC.MDCCloseable procedureKind = MDC.putCloseable(LOG_KIND, kind.label());
             MDC.MDCCloseable stepName = MDC.putCloseable(LOG_STEP, (rollback ? "rollback: " : "") + step.name())) {
            list.run(position, step.name(), step.work());
        } catch (RuntimeException e) {
            try {
                journal.stepEnded(stepId, StepState.FAILED, messageOf(e));
            } catch (RuntimeException journalFailure) {
                // The database went away: the step's own failure is the one to report.
                e.addSuppressed(journalFailure);
            }
            throw e;
        }
        CrashPoint.reached(kind, rollback, position, "end");
        journal.stepEnded(stepId, StepState.DONE, null);
    }

    private void end(long id, Procedure procedure, ProcedureState state, String auditOutcome, String message) {
        journal.setState(id, state, message);
        audit(procedure.kind(), procedure.target(), auditOutcome, message);
    }

    private ProcedureLock acquire(ProcedureKind kind, String target) {
        return ProcedureLock.tryAcquire(db, "pitstop " + kind.label() + " by " + operator.actor())
                .orElseThrow(() -> refused(kind, target, journal.open()
                        .map(running -> "another procedure runs: " + describe(running, "running"))
                        .orElseGet(() -> "another procedure is starting (" + ProcedureLock.holder(controlDb)
                                .orElse("it has just ended; try again") + ")")
                        + "; wait until it ends (see: pitstop status)"));
    }

    private ProcedureRecord openOf(ProcedureKind kind, String action) {
        ProcedureRecord open = journal.open().orElseThrow(() -> refused(kind, "cluster",
                "no " + kind.label() + " is open to " + action + "; 'pitstop history' shows the past procedures"));
        if (!open.kind().equals(kind.label())) {
            throw refused(kind, "cluster", "the open procedure is " + describe(open, condition(open))
                    + ", not " + kind.label() + "; " + ProcedureKind.howToFinish(open.kind()));
        }
        return open;
    }

    private OperationException refused(ProcedureKind kind, String target, String message) {
        audit(kind, target, "refused", message);
        return OperationException.refused(message);
    }

    private void audit(ProcedureKind kind, String target, String outcome, String message) {
        audit.record(kind.label(), target, operator.actor(), operator.origin(), outcome, message);
    }

    /** What an open procedure is doing, seen by an operator holding the lock: nobody else runs it. */
    private static String condition(ProcedureRecord open) {
        return switch (open.state()) {
            case RUNNING -> open.rollingBack() ? "interrupted while rolling back" : "interrupted";
            case PAUSED -> "paused";
            default -> "failed";
        };
    }

    /** E.g. {@code maintenance-begin #12 (interrupted at step 3 'stop ...', started ... by alice@host)}. */
    static String describe(ProcedureRecord procedure, String condition) {
        ProcedureRecord.StepRecord step = procedure.currentStep();
        return procedure.kind() + " #" + procedure.id() + " (" + condition
                + (step == null ? "" : " at step " + step.position() + " '" + step.name() + "'")
                + ", started " + procedure.startedAt().truncatedTo(ChronoUnit.SECONDS) + " by " + procedure.actor() + ")";
    }

    /**
     * Whether a step failed because the database went away: the failure says so, or the database
     * does not answer now (a node that could not start, say, reports only that it failed).
     */
    private boolean databaseLost(RuntimeException failure) {
        if (DatabaseFailure.isConnectionLost(failure)) {
            return true;
        }
        try (Connection ignored = Database.connect(db, "pitstop (check)", DATABASE_CHECK_TIMEOUT)) {
            return false;
        } catch (SQLException e) {
            return true;
        }
    }

    private static String messageOf(Throwable e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
