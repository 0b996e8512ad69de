package dev.pitstop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pitstop.procedure.ProcedureKind;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pitstop.gateway.Gateway;
import dev.pitstop.status.ClusterStatus;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows the cluster: whether it serves or shows the maintenance page, the installed release, "
                + "whether a maintenance window is open, the policy, each node (id, URL, version, state) and the "
                + "open procedure, if any: running, interrupted (its operator's process died: resume it or roll it "
                + "back), paused or failed.",
                "A node whose heartbeat stopped more than 5 s ago shows as failed."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:shown, also when the supervisor runs but its database is down (status says so)",
                "1:no cluster runs in HOME, or the database of a cluster on Kubernetes cannot be reached"})
final class StatusCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** States of a procedure whose operator is at it now: nobody else has anything to do. */
    private static final Set<String> RUNNING_NOW = Set.of("running", "rolling-back");

    @ParentCommand
    private Pitstop pitstop;

    @Option(names = "--json", description = "Print JSON, for scripts: {\"mode\", \"release\", \"windowOpen\", "
            + "\"policy\": {\"plugins\", \"upgrade\"}, \"nodes\": [{\"id\", \"url\", \"version\", \"state\", "
            + "\"message\"}], \"procedure\": null or {\"id\", \"kind\", \"step\", \"state\", \"actor\", "
            + "\"startedAt\"}, \"console\": the web console's URL (console.url of pitstop.yml, else the local "
            + "supervisor's gateway's; null on Kubernetes without console.url)}. While the database of a running "
            + "local cluster is unreachable: {\"mode\": null, "
            + "\"database\": \"down\", \"message\", \"nodes\": [], \"procedure\": null}.")
    private boolean json;

    @Override
    public Integer call() throws Exception {
        RunningCluster cluster;
        try {
            cluster = RunningCluster.open(pitstop);
        } catch (RunningCluster.DatabaseUnreachable e) {
            if (!RunningCluster.supervisedLocally(pitstop)) {
                throw e;
            }
            printDatabaseDown(e.getMessage());
            return 0;
        }
        ClusterStatus status = ClusterStatus.read(cluster.controlDb());
        String console = consoleUrl(cluster);
        if (json) {
            ObjectNode tree = JSON.valueToTree(status);
            tree.put("console", console);
            System.out.println(JSON.writeValueAsString(tree));
        } else {
            printTable(status, cluster.gateway(), console, System.out);
        }
        return 0;
    }

    /**
     * console.url of pitstop.yml, where the operator says how browsers reach it (on Kubernetes, the
     * Service of the status page's pods); else the supervisor's gateway, which serves it, while a
     * gateway of one's own (nginx, a Service) does not.
     */
    private String consoleUrl(RunningCluster cluster) {
        String configured = pitstop.config().console().url();
        if (configured != null) {
            return configured;
        }
        return RunningCluster.supervisedLocally(pitstop) ? cluster.gateway() + Gateway.CONSOLE_PATH + "/" : null;
    }

    /**
     * The control schema cannot be read, so nodes and procedures are unknown; the supervisor restarts
     * an embedded database by itself and the nodes answer 503 meanwhile.
     */
    private void printDatabaseDown(String reason) throws Exception {
        if (json) {
            Map<String, Object> down = new LinkedHashMap<>();
            down.put("mode", null);
            down.put("database", "down");
            down.put("message", reason);
            down.put("nodes", List.of());
            down.put("procedure", null);
            System.out.println(JSON.writeValueAsString(down));
            return;
        }
        System.out.printf("database   down: %s%n", reason);
        System.out.println("           the nodes answer 503 until it is back; an embedded database is restarted by "
                + "the supervisor (see " + pitstop.home().supervisorLog() + ")");
    }

    /** E.g. {@code maintenance-begin #4, interrupted at 'drain and stop node-2', started ... by alice@host}. */
    static String describe(ClusterStatus.Procedure procedure) {
        if (procedure == null) {
            return "none";
        }
        return procedure.kind() + " #" + procedure.id() + ", " + procedure.state()
                + (procedure.step() == null ? "" : " at '" + procedure.step() + "'")
                + ", started " + procedure.startedAt() + " by " + procedure.actor()
                + (RUNNING_NOW.contains(procedure.state()) ? "" : "; " + ProcedureKind.howToFinish(procedure.kind())
                + "; " + ProcedureKind.howToGiveUp(procedure.kind()));
    }

    private static void printTable(ClusterStatus status, String gateway, String console, PrintStream out) {
        out.printf("mode       %s%n", status.mode());
        out.printf("release    %s%n", status.release() == null ? "(not installed yet)" : status.release());
        out.printf("gateway    %s%n", gateway);
        if (console != null) {
            out.printf("console    %s%n", console);
        }
        out.printf("window     %s%n", status.windowOpen() ? "open (see: pitstop maintenance status)" : "closed");
        out.printf("policy     plugins %s, upgrade %s%n", status.policy().get("plugins"), status.policy().get("upgrade"));
        out.printf("procedure  %s%n", describe(status.procedure()));
        out.println();
        String format = "%-12s %-13s %-10s %-26s %s%n";
        out.printf(format, "NODE", "STATE", "VERSION", "URL", "MESSAGE");
        for (ClusterStatus.Node node : status.nodes()) {
            out.printf(format, node.id(), node.state(), node.version(), node.url(),
                    node.message() == null ? "" : node.message());
        }
    }
}
