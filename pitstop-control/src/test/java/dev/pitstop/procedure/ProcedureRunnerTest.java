package dev.pitstop.procedure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pitstop.control.AuditLog;
import dev.pitstop.control.ControlSchema;
import dev.pitstop.control.ProcedureJournal;
import dev.pitstop.control.ProcedureRecord;
import dev.pitstop.control.ProcedureState;
import dev.pitstop.control.StepState;
import dev.pitstop.db.DbSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The procedure runner against a real PostgreSQL: journal, lock, resume, rollback, pause, audit. */
class ProcedureRunnerTest {

    private static EmbeddedPostgres postgres;
    private static DataSource controlDb;
    private static DbSettings db;

    private final List<String> ran = new ArrayList<>();
    private final Set<String> failing = new HashSet<>();
    private final ByteArrayOutputStream shown = new ByteArrayOutputStream();
    private ProcedureJournal journal;

    @BeforeAll
    static void startDatabase() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        controlDb = postgres.getPostgresDatabase();
        db = new DbSettings(postgres.getJdbcUrl("postgres", "postgres"), "postgres", null);
        ControlSchema.migrate(controlDb);
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void emptyJournal() throws Exception {
        try (Connection c = controlDb.getConnection(); Statement st = c.createStatement()) {
            st.execute("TRUNCATE pitstop.procedure_steps, pitstop.procedures, pitstop.audit");
        }
        journal = new ProcedureJournal(controlDb);
    }

    @Test
    void everyLineAStepLogsNamesTheProcedureAndTheStep() {
        Logger logger = (Logger) LoggerFactory.getLogger("dev.pitstop.procedure.step");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try {
            runner("alice@host").start(withWork(procedure(false, "a", "b"), "b", () -> logger.warn("working")));
        } finally {
            logger.detachAppender(lines);
        }

        long id = journal.latest(1).get(0).id();
        assertThat(lines.list).singleElement().satisfies(line -> assertThat(line.getMDCPropertyMap())
                .containsEntry(ProcedureRunner.LOG_PROCEDURE, Long.toString(id))
                .containsEntry(ProcedureRunner.LOG_KIND, "maintenance-begin")
                .containsEntry(ProcedureRunner.LOG_STEP, "b"));
        assertThat(MDC.getCopyOfContextMap()).as("nothing is left once the step ended").isNullOrEmpty();
    }

    @Test
    void runsEveryStepInOrderAndJournalsIt() {
        ProcedureRunner.Outcome outcome = runner("alice@host").start(procedure(false, "a", "b", "c"));

        assertThat(outcome).isEqualTo(ProcedureRunner.Outcome.SUCCEEDED);
        assertThat(ran).containsExactly("a", "b", "c");
        ProcedureRecord done = journal.latest(1).get(0);
        assertThat(done.state()).isEqualTo(ProcedureState.SUCCEEDED);
        assertThat(done.endedAt()).isNotNull();
        assertThat(done.params(Steps.class)).isEqualTo(new Steps(List.of("a", "b", "c")));
        assertThat(done.steps()).extracting(ProcedureRecord.StepRecord::name).containsExactly("a", "b", "c");
        assertThat(done.steps()).allSatisfy(step -> {
            assertThat(step.state()).isEqualTo(StepState.DONE);
            assertThat(step.duration()).isNotNull();
        });
        assertThat(journal.open()).isEmpty();
        assertThat(lastAudit().outcome()).isEqualTo("succeeded");
        assertThat(lastAudit().actor()).isEqualTo("alice@host");
        assertThat(shown()).contains("  1. a ... done in", "  3. c ... done in");
    }

    @Test
    void aFailedStepKeepsTheProcedureOpenUntilResumedFromThatStep() {
        failing.add("b");

        assertThatThrownBy(() -> runner("alice@host").start(procedure(false, "a", "b", "c")))
                .isInstanceOf(OperationException.class)
                .hasMessage("maintenance-begin stopped at step 2 (b): b broke; once the cause is fixed, continue it "
                        + "with 'pitstop maintenance begin --resume' or undo it with 'pitstop maintenance begin "
                        + "--rollback'")
                .extracting(e -> ((OperationException) e).kind()).isEqualTo(OperationException.Kind.FAILED);
        assertThat(journal.open()).map(ProcedureRecord::state).contains(ProcedureState.FAILED);
        assertThat(lastAudit().outcome()).isEqualTo("failed");

        assertThatThrownBy(() -> runner("bob@host").start(procedure(false, "x")))
                .isInstanceOf(OperationException.class)
                .hasMessageStartingWith("maintenance-begin #")
                .hasMessageContaining("(failed at step 2 'b', started ")
                .hasMessageEndingWith("by alice@host); continue it with 'pitstop maintenance begin --resume' or undo "
                        + "it with 'pitstop maintenance begin --rollback'")
                .extracting(e -> ((OperationException) e).kind()).isEqualTo(OperationException.Kind.REFUSED);

        failing.clear();
        ran.clear();
        ProcedureRunner.Outcome outcome = runner("bob@host").resume(ProcedureKind.MAINTENANCE_BEGIN,
                new Resumable<>(Steps.class, params -> procedure(false, params.names().toArray(String[]::new))));

        assertThat(outcome).isEqualTo(ProcedureRunner.Outcome.SUCCEEDED);
        assertThat(ran).containsExactly("b", "c");
        assertThat(shown()).contains("  1. a ... done before");
        assertThat(journal.latest(1).get(0).steps()).extracting(s -> s.name() + " " + s.state().label())
                .containsExactly("a done", "b failed", "b done", "c done");
    }

    @Test
    void anInterruptedProcedureResumesAfterItsLastCompletedStep() {
        // What an operator process killed during step b leaves behind: b started, never ended, no lock.
        long id = journal.begin("maintenance-begin", new Steps(List.of("a", "b", "c")), "alice@host", "pitstop test");
        journal.stepEnded(journal.stepStarted(id, 1, false, "a"), StepState.DONE, null);
        journal.stepStarted(id, 2, false, "b");

        runner("bob@host").resume(ProcedureKind.MAINTENANCE_BEGIN, new Resumable<>(Steps.class, params -> procedure(false, "a", "b", "c")));

        assertThat(ran).containsExactly("b", "c");
        assertThat(journal.open()).isEmpty();
        assertThat(shown()).contains("Resuming maintenance-begin #" + id + " (interrupted at step 2 'b', started ");
    }

    @Test
    void aRollbackIsRefusedOnceAStepThatCannotBeUndoneBeganEvenIfItNeverEnded() {
        // What an operator process killed during step c leaves behind; the procedure cannot undo c once it began.
        long id = journal.begin("maintenance-begin", new Steps(List.of("a", "b", "c")), "alice@host", "pitstop test");
        journal.stepEnded(journal.stepStarted(id, 1, false, "a"), StepState.DONE, null);
        journal.stepEnded(journal.stepStarted(id, 2, false, "b"), StepState.DONE, null);
        journal.stepStarted(id, 3, false, "c");
        Procedure noReturnAtC = new TestProcedure(procedure(false, "a", "b", "c").steps(), List.of("a", "b", "c"), false, 3);

        assertThatThrownBy(() -> runner("bob@host").rollback(ProcedureKind.MAINTENANCE_BEGIN,
                new Resumable<>(Steps.class, params -> noReturnAtC)))
                .isInstanceOf(OperationException.class)
                .hasMessageStartingWith("maintenance-begin #" + id + " (interrupted at step 3 'c', started ")
                .hasMessageEndingWith("by alice@host) cannot be rolled back: step 3 cannot be undone. Nothing was "
                        + "changed; once the cause is fixed, continue it with 'pitstop maintenance begin --resume'")
                .extracting(e -> ((OperationException) e).kind()).isEqualTo(OperationException.Kind.REFUSED);
        assertThat(ran).isEmpty();
        assertThat(journal.open()).map(ProcedureRecord::rollingBack).contains(false);
        assertThat(lastAudit().outcome()).isEqualTo("refused");
    }

    @Test
    void aSecondOperatorIsRefusedWhileAProcedureRuns() throws Exception {
        CountDownLatch inStep = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Procedure blocking = procedure(false, "a", "wait");
        CompletableFuture<ProcedureRunner.Outcome> first = CompletableFuture.supplyAsync(() ->
                runner("alice@host").start(withWork(blocking, "wait", () -> {
                    inStep.countDown();
                    await(release);
                })));
        assertThat(inStep.await(10, TimeUnit.SECONDS)).isTrue();

        try {
            assertThatThrownBy(() -> runner("bob@host").start(procedure(false, "x")))
                    .isInstanceOf(OperationException.class)
                    .hasMessageStartingWith("another procedure runs: maintenance-begin #")
                    .hasMessageContaining("(running at step 2 'wait', started ")
                    .hasMessageEndingWith(" by alice@host); wait until it ends (see: pitstop status)")
                    .extracting(e -> ((OperationException) e).kind()).isEqualTo(OperationException.Kind.REFUSED);
            assertThat(lastAudit().outcome()).isEqualTo("refused");
            assertThat(lastAudit().actor()).isEqualTo("bob@host");
        } finally {
            release.countDown();
        }
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(ProcedureRunner.Outcome.SUCCEEDED);
    }

    @Test
    void rollsBackAnInterruptedProcedureAndContinuesAnInterruptedRollback() {
        long id = journal.begin("maintenance-begin", new Steps(List.of()), "alice@host", "pitstop test");
        journal.stepEnded(journal.stepStarted(id, 1, false, "a"), StepState.DONE, null);
        journal.stepEnded(journal.stepStarted(id, 2, false, "b"), StepState.DONE, null);
        journal.stepStarted(id, 3, false, "c");
        failing.add("undo 1");

        assertThatThrownBy(() -> runner("bob@host").rollback(ProcedureKind.MAINTENANCE_BEGIN,
                new Resumable<>(Steps.class, params -> procedure(false, "a", "b", "c"))))
                .hasMessageStartingWith("the rollback of maintenance-begin stopped at step 2 (undo 1): undo 1 broke");
        assertThat(ran).containsExactly("undo 2", "undo 1");
        failing.clear();
        ran.clear();

        ProcedureRunner.Outcome outcome = runner("bob@host").rollback(ProcedureKind.MAINTENANCE_BEGIN,
                new Resumable<>(Steps.class, params -> procedure(false, "a", "b", "c")));

        assertThat(outcome).isEqualTo(ProcedureRunner.Outcome.ROLLED_BACK);
        assertThat(ran).containsExactly("undo 1");
        assertThat(journal.latest(1).get(0).state()).isEqualTo(ProcedureState.ROLLED_BACK);
        assertThat(journal.open()).isEmpty();
    }

    @Test
    void rollsBackAtOnceWhenTheProcedureSaysSo() {
        failing.add("b");

        assertThatThrownBy(() -> runner("alice@host").start(procedure(true, "a", "b", "c")))
                .isInstanceOf(OperationException.class)
                .hasMessage("rolled back to where it started; cause: b broke");

        assertThat(ran).containsExactly("a", "b", "undo 1");
        assertThat(journal.latest(1).get(0).state()).isEqualTo(ProcedureState.ROLLED_BACK);
        assertThat(lastAudit().outcome()).isEqualTo("failed");
    }

    @Test
    void pausesForTheOperatorAndGoesOnWhenResumed() {
        Procedure withPause = procedure(false, "a", "verify", "c");
        Procedure paused = withStep(withPause, 2, ProcedureStep.pause("verify through the bypass"));

        assertThat(runner("alice@host").start(paused)).isEqualTo(ProcedureRunner.Outcome.PAUSED);
        assertThat(ran).containsExactly("a");
        assertThat(journal.open()).map(ProcedureRecord::state).contains(ProcedureState.PAUSED);

        assertThat(runner("alice@host").resume(ProcedureKind.MAINTENANCE_BEGIN, new Resumable<>(Steps.class, params -> paused)))
                .isEqualTo(ProcedureRunner.Outcome.SUCCEEDED);
        assertThat(ran).containsExactly("a", "c");
    }

    @Test
    void anOpenProcedureNobodyCanFinishIsAbandonedAsItStandsAndAudited() {
        failing.add("b");
        assertThatThrownBy(() -> runner("alice@host").start(procedure(false, "a", "b", "c")))
                .isInstanceOf(OperationException.class);

        String message = runner("bob@host").abandon(ProcedureKind.MAINTENANCE_BEGIN);

        assertThat(message).startsWith("maintenance-begin #").contains("(failed at step 2 'b', started ",
                "was abandoned by bob@host: nothing was undone or finished");
        assertThat(ran).containsExactly("a", "b");
        assertThat(journal.open()).isEmpty();
        assertThat(journal.latest(1).get(0).state()).isEqualTo(ProcedureState.ABANDONED);
        assertThat(journal.latest(1).get(0).message()).isEqualTo(message);
        assertThat(lastAudit().outcome()).isEqualTo("abandoned");
        assertThat(lastAudit().actor()).isEqualTo("bob@host");

        failing.clear();
        assertThat(runner("bob@host").start(procedure(false, "x"))).isEqualTo(ProcedureRunner.Outcome.SUCCEEDED);
    }

    @Test
    void refusesToResumeWhenNothingIsOpen() {
        assertThatThrownBy(() -> runner("bob@host").resume(ProcedureKind.MAINTENANCE_END,
                new Resumable<>(Steps.class, params -> procedure(false, "a"))))
                .isInstanceOf(OperationException.class)
                .hasMessage("no maintenance-end is open to resume; 'pitstop history' shows the past procedures");
    }

    private ProcedureRunner runner(String actor) {
        return new ProcedureRunner(db, controlDb, new Operator(actor, "pitstop test"),
                new PrintStream(shown, true, StandardCharsets.UTF_8));
    }

    private String shown() {
        return shown.toString(StandardCharsets.UTF_8);
    }

    private AuditLog.Entry lastAudit() {
        return new AuditLog(controlDb).latest(1).get(0);
    }

    /** Steps that record their names, fail when listed in {@link #failing}, and undo in reverse. */
    private Procedure procedure(boolean rollsBackAtOnce, String... names) {
        List<ProcedureStep> steps = new ArrayList<>();
        for (String name : names) {
            steps.add(ProcedureStep.of(name, () -> work(name)));
        }
        return new TestProcedure(steps, List.of(names), rollsBackAtOnce);
    }

    private Procedure withWork(Procedure procedure, String name, StepList.Step work) {
        List<ProcedureStep> steps = new ArrayList<>(procedure.steps());
        steps.replaceAll(step -> step.name().equals(name) ? ProcedureStep.of(name, () -> {
            work.run();
            ran.add(name);
        }) : step);
        return new TestProcedure(steps, ((Steps) procedure.params()).names(), false);
    }

    private Procedure withStep(Procedure procedure, int position, ProcedureStep step) {
        List<ProcedureStep> steps = new ArrayList<>(procedure.steps());
        steps.set(position - 1, step);
        return new TestProcedure(steps, ((Steps) procedure.params()).names(), false);
    }

    private void work(String name) {
        ran.add(name);
        if (failing.contains(name)) {
            throw new IllegalStateException(name + " broke");
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class TestProcedure implements Procedure {

        private final List<ProcedureStep> steps;
        private final List<String> names;
        private final boolean rollsBackAtOnce;
        /** The first step that cannot be undone once it began; 0 for none. */
        private final int noReturn;

        TestProcedure(List<ProcedureStep> steps, List<String> names, boolean rollsBackAtOnce) {
            this(steps, names, rollsBackAtOnce, 0);
        }

        TestProcedure(List<ProcedureStep> steps, List<String> names, boolean rollsBackAtOnce, int noReturn) {
            this.steps = steps;
            this.names = names;
            this.rollsBackAtOnce = rollsBackAtOnce;
            this.noReturn = noReturn;
        }

        @Override
        public Optional<String> rollbackRefusal(int lastStarted) {
            return noReturn > 0 && lastStarted >= noReturn ? Optional.of("step " + noReturn + " cannot be undone")
                    : Optional.empty();
        }

        @Override
        public ProcedureKind kind() {
            return ProcedureKind.MAINTENANCE_BEGIN;
        }

        @Override
        public String target() {
            return "test";
        }

        @Override
        public Steps params() {
            return new Steps(names);
        }

        @Override
        public List<ProcedureStep> steps() {
            return steps;
        }

        @Override
        public List<ProcedureStep> rollbackSteps(int completedSteps) {
            List<ProcedureStep> undo = new ArrayList<>();
            for (int i = completedSteps; i >= 1; i--) {
                String name = "undo " + i;
                undo.add(ProcedureStep.of(name, () -> work(name)));
            }
            return undo;
        }

        @Override
        public boolean rollsBackOnFailureOf(int position) {
            return rollsBackAtOnce;
        }

        @Override
        public String succeeded() {
            return "done";
        }

        @Override
        public String rolledBack() {
            return "rolled back to where it started";
        }
    }

    /** A test procedure's parameters: the names of its steps. */
    record Steps(List<String> names) {
    }
}
