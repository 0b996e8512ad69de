package dev.pitstop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pitstop.status.ClusterStatus;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows the cluster: whether it serves or shows the maintenance page, the installed release, "
                + "each node (id, URL, version, state) and the procedure running, if any.",
                "A node whose heartbeat stopped more than 5 s ago shows as failed."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:shown", "1:no cluster runs in HOME, or its database cannot be reached"})
final class StatusCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @ParentCommand
    private Pitstop pitstop;

    @Option(names = "--json", description = "Print JSON: {\"mode\", \"release\", \"nodes\": [{\"id\", \"url\", "
            + "\"version\", \"state\", \"message\"}], \"procedure\"}, for scripts.")
    private boolean json;

    @Override
    public Integer call() throws Exception {
        RunningCluster cluster = RunningCluster.open(pitstop.home());
        ClusterStatus status = ClusterStatus.read(cluster.controlDb());
        if (json) {
            System.out.println(JSON.writeValueAsString(status));
        } else {
            printTable(status, cluster.file().gateway(), System.out);
        }
        return 0;
    }

    private static void printTable(ClusterStatus status, String gateway, PrintStream out) {
        out.printf("mode       %s%n", status.mode());
        out.printf("release    %s%n", status.release() == null ? "(not installed yet)" : status.release());
        out.printf("gateway    %s%n", gateway);
        out.printf("procedure  %s%n", status.procedure() == null ? "none"
                : status.procedure().kind() + " (step " + status.procedure().step() + ")");
        out.println();
        String format = "%-12s %-13s %-10s %-26s %s%n";
        out.printf(format, "NODE", "STATE", "VERSION", "URL", "MESSAGE");
        for (ClusterStatus.Node node : status.nodes()) {
            out.printf(format, node.id(), node.state(), node.version(), node.url(),
                    node.message() == null ? "" : node.message());
        }
    }
}
