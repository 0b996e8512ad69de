package dev.pitstop.cli;

import dev.pitstop.control.AuditLog;
import dev.pitstop.control.NodeState;
import dev.pitstop.control.ProcedureJournal;
import dev.pitstop.control.ProcedureState;
import dev.pitstop.driver.TrafficDriver;
import dev.pitstop.home.Home;
import dev.pitstop.procedure.MaintenanceWindow;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.procedure.Operator;
import dev.pitstop.procedure.ProcedureKind;
import dev.pitstop.procedure.ProcedureRunner;
import dev.pitstop.status.ClusterStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "maintenance", mixinStandardHelpOptions = true,
        description = {"Maintenance of a running cluster: the in-app maintenance window (begin, end, status) and "
                + "the 503 status page (page on, page off).",
                "",
                "A window scales the cluster down to one node for changes that are safe only while one node runs, "
                        + "such as plugin changes (which policy.plugins: window-only allows only inside a window): "
                        + "begin, make the changes, check them, end."},
        subcommands = {MaintenanceCommand.Begin.class, MaintenanceCommand.End.class, MaintenanceCommand.Status.class,
                MaintenanceCommand.Page.class})
final class MaintenanceCommand {

    @ParentCommand
    private Pitstop pitstop;

    private static final String PROCEDURE_EXIT_CODES_FAILED = "1:failed; the procedure stays open: the message says "
            + "at which step and why, and how to resume it";

    @Command(name = "begin", mixinStandardHelpOptions = true,
            description = {"Opens a maintenance window: (with --page: puts the status page up, operators passing with "
                    + "the bypass header) → marks the window open → drains and stops every node but one.",
                    "",
                    "A journaled procedure: each step is recorded in the cluster's database before and after it runs, "
                            + "and one procedure runs at a time. If this command is interrupted, --resume continues "
                            + "after the last completed step and --rollback undoes the window (every node runs "
                            + "again, the page comes down, the window closes). 'pitstop history' shows every step."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the window is open (with --rollback: it was undone)", PROCEDURE_EXIT_CODES_FAILED,
                    "2:usage error", "3:refused: a window is already open, no node is ready, or another procedure "
                    + "runs or is open (the message names it); nothing was changed"})
    static final class Begin implements Callable<Integer> {

        @ParentCommand
        private MaintenanceCommand maintenance;

        @Spec
        private CommandSpec spec;

        @Option(names = "--page", description = "Put the 503 status page up first, so clients wait rather than all "
                + "reach the one node; 'maintenance end' takes it down.")
        private boolean page;

        @Option(names = "--resume", description = "Continue the interrupted (or failed) begin after its last "
                + "completed step, with the options it began with.")
        private boolean resume;

        @Option(names = "--rollback", description = "Undo the interrupted (or failed) begin: start the stopped nodes, "
                + "take the page down if it put it up, close the window.")
        private boolean rollback;

        @Mixin
        private AbandonOption abandon;

        @Override
        public Integer call() {
            if (resume && rollback) {
                throw OperationException.invalid("--resume and --rollback exclude each other; choose one");
            }
            abandon.requireAlone(resume || rollback || page);
            if (abandon.requested()) {
                abandon.abandon(ProcedureSession.open(maintenance.pitstop, spec), ProcedureKind.MAINTENANCE_BEGIN);
                return 0;
            }
            if (page && (resume || rollback)) {
                throw OperationException.invalid("--page goes with a new window only; --resume and --rollback keep "
                        + "the options the window began with");
            }
            ProcedureSession procedures = ProcedureSession.open(maintenance.pitstop, spec);
            MaintenanceWindow window = procedures.procedures().window();
            ProcedureRunner runner = procedures.runner();
            if (resume) {
                runner.resume(ProcedureKind.MAINTENANCE_BEGIN, window.resumableBegin());
            } else if (rollback) {
                runner.rollback(ProcedureKind.MAINTENANCE_BEGIN, window.resumableBegin());
            } else {
                runner.start(window.begin(page));
            }
            return 0;
        }
    }

    @Command(name = "end", mixinStandardHelpOptions = true,
            description = {"Ends the maintenance window: verifies the node that served it (ready, and the checks "
                    + "of pitstop.yml) → starts the other nodes → waits until all are ready → takes the status page "
                    + "down if 'begin --page' put it up → closes the window.",
                    "",
                    "A journaled procedure like begin: if it is interrupted or a step fails (say a check), fix the "
                            + "cause and run it with --resume; the window stays open meanwhile."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the window is closed and every node serves", PROCEDURE_EXIT_CODES_FAILED,
                    "2:usage error, or a bad pitstop.yml", "3:refused: no window is open, or another procedure runs "
                    + "or is open (the message names it); nothing was changed"})
    static final class End implements Callable<Integer> {

        @ParentCommand
        private MaintenanceCommand maintenance;

        @Spec
        private CommandSpec spec;

        @Option(names = "--resume", description = "Continue the interrupted (or failed) end after its last "
                + "completed step.")
        private boolean resume;

        @Mixin
        private AbandonOption abandon;

        @Override
        public Integer call() {
            abandon.requireAlone(resume);
            ProcedureSession procedures = ProcedureSession.open(maintenance.pitstop, spec);
            if (abandon.requested()) {
                abandon.abandon(procedures, ProcedureKind.MAINTENANCE_END);
                return 0;
            }
            MaintenanceWindow window = procedures.procedures().window();
            if (resume) {
                procedures.runner().resume(ProcedureKind.MAINTENANCE_END, window.resumableEnd());
            } else {
                procedures.runner().start(window.end());
            }
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Shows whether a maintenance window is open, which nodes serve, whether the status page is "
                    + "up, the plugin policy, and the procedure in progress, if any.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:shown", "1:no cluster runs in HOME, or its database cannot be reached"})
    static final class Status implements Callable<Integer> {

        @ParentCommand
        private MaintenanceCommand maintenance;

        @Override
        public Integer call() {
            RunningCluster cluster = RunningCluster.open(maintenance.pitstop);
            ClusterStatus status = ClusterStatus.read(cluster.controlDb());
            PrintStream out = System.out;
            out.printf("window     %s%n", status.windowOpen() ? "open" + openedBy(cluster) : "closed");
            out.printf("running    %s%n", nodes(status, true));
            out.printf("stopped    %s%n", nodes(status, false));
            out.printf("page       %s%n", status.mode().equals("maintenance")
                    ? "up: clients get 503, operators pass with the bypass header" : "down");
            out.printf("plugins    %s%n", status.policy().get("plugins"));
            out.printf("procedure  %s%n", StatusCommand.describe(status.procedure()));
            return 0;
        }

        private static String openedBy(RunningCluster cluster) {
            return new ProcedureJournal(cluster.controlDb())
                    .last(ProcedureKind.MAINTENANCE_BEGIN.label(), ProcedureState.SUCCEEDED)
                    .map(begin -> " since " + begin.endedAt().truncatedTo(ChronoUnit.SECONDS) + ", opened by "
                            + begin.actor() + "; end it with 'pitstop maintenance end'")
                    .orElse("");
        }

        private static String nodes(ClusterStatus status, boolean running) {
            List<String> ids = status.nodes().stream()
                    .filter(node -> node.state().equals(NodeState.STOPPED.label()) != running)
                    .map(ClusterStatus.Node::id).toList();
            return ids.isEmpty() ? "none" : String.join(", ", ids);
        }
    }

    @Command(name = "page", mixinStandardHelpOptions = true,
            description = {"Puts the 503 status page up or takes it down. The nodes keep running untouched.",
                    "While it is up, every client request gets 503 with Retry-After and the page, except "
                            + "requests with the header X-Pitstop-Bypass: <the token in HOME/bypass.token>, "
                            + "so operators can check the cluster before traffic returns."},
            subcommands = {PageOn.class, PageOff.class})
    static final class Page {

        @ParentCommand
        private MaintenanceCommand maintenance;

        /** Makes the change through the cluster's traffic driver and records it in the audit log. */
        void change(CommandSpec spec, String operation, Consumer<TrafficDriver> change) {
            RunningCluster cluster = RunningCluster.open(maintenance.pitstop);
            Operator operator = maintenance.pitstop.operator(spec);
            AuditLog audit = new AuditLog(cluster.controlDb());
            try {
                change.accept(new Drivers(maintenance.pitstop.config(), cluster).traffic());
            } catch (RuntimeException e) {
                audit.record(operation, "cluster", operator.actor(), operator.origin(), "failed", e.getMessage());
                throw e;
            }
            audit.record(operation, "cluster", operator.actor(), operator.origin(), "succeeded", null);
        }

        Home home() {
            return maintenance.pitstop.home();
        }
    }

    @Command(name = "on", mixinStandardHelpOptions = true,
            description = "Answers every client request with the status page (status 503).",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the page is up", "1:no cluster runs in HOME", "2:the page file cannot be read"})
    static final class PageOn implements Callable<Integer> {

        @ParentCommand
        private Page page;

        @Spec
        private CommandSpec spec;

        @Option(names = "--file", paramLabel = "F", description = "An HTML file to show instead of the default page.")
        private Path file;

        @Option(names = "--retry-after", paramLabel = "S", defaultValue = "30",
                description = "Seconds clients are told to wait before retrying (Retry-After). Default: ${DEFAULT-VALUE}")
        private int retryAfter;

        @Override
        public Integer call() {
            if (retryAfter < 1) {
                throw OperationException.invalid("--retry-after must be at least 1 second, got " + retryAfter);
            }
            String html = file == null ? null : read(file);
            page.change(spec, "maintenance page on", traffic -> traffic.showStatusPage(html, retryAfter));
            System.out.printf("The status page is up: clients get 503 (Retry-After: %d s); operators pass with the "
                    + "header X-Pitstop-Bypass and the token in %s%n", retryAfter, page.home().bypassTokenFile());
            return 0;
        }

        private static String read(Path file) {
            try {
                return Files.readString(file);
            } catch (IOException e) {
                throw OperationException.invalid("cannot read the status page file " + file + ": " + e);
            }
        }
    }

    @Command(name = "off", mixinStandardHelpOptions = true,
            description = "Takes the status page down: client requests go to the ready nodes again.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the page is down", "1:no cluster runs in HOME"})
    static final class PageOff implements Callable<Integer> {

        @ParentCommand
        private Page page;

        @Spec
        private CommandSpec spec;

        @Override
        public Integer call() {
            page.change(spec, "maintenance page off", TrafficDriver::backToCluster);
            System.out.println("The status page is down: client requests go to the cluster again");
            return 0;
        }
    }
}
