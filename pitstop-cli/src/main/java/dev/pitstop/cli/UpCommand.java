package dev.pitstop.cli;

import dev.pitstop.control.Tokens;
import dev.pitstop.home.ClusterConfig;
import dev.pitstop.home.Home;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.supervisor.SupervisorSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Starts a cluster: the database (embedded unless --db-url is given), the gateway on --port, "
                + "and the nodes of the release, with the first-start procedure: one node starts and installs "
                + "and activates the plugins; only when it is ready do the others start.",
                "",
                "Without --detach the cluster runs until Ctrl-C (or SIGTERM), which stops it gracefully. "
                        + "A node that crashes is restarted, with a growing delay between restarts. "
                        + "Each node logs to HOME/logs/<node-id>.log, rotated by size (logs.max-file-bytes and "
                        + "logs.files in pitstop.yml; default 10 MiB, 5 files).",
                "",
                "Prometheus finds the cluster through HOME/prometheus/nodes.json and gateway.json, which up "
                        + "writes (the nodes' ports change at every start) and down empties; see "
                        + "deploy/prometheus/prometheus.yml. Nodes and gateway answer GET /metrics with a token of "
                        + "the cluster.",
                "",
                "The embedded database runs with fsync, synchronous_commit and full_page_writes on (see "
                        + "--unsafe-no-fsync); if it dies, the supervisor restarts it on the same port and "
                        + "PostgreSQL recovers from its write-ahead log. If a supervisor died and left its "
                        + "embedded database running in HOME, up stops that server and starts afresh: run up "
                        + "again (systemd does, with deploy/systemd/pitstop.service), no down first.",
                "",
                "The policy of pitstop.yml (see --config) is written into the cluster, where the nodes enforce it: "
                        + "policy.plugins (allowed | window-only | prohibited; default window-only for more than one "
                        + "node) and policy.upgrade (allowed | prohibited; default allowed).",
                "",
                "With nodes: kubernetes in pitstop.yml, the nodes are the pods of the Deployment named there: up "
                        + "scales it to one pod, waits until that one has installed, scales it to its full size "
                        + "(annotation pitstop.dev/replicas) and returns when all are ready. Only --ready-timeout "
                        + "applies then; the Deployment, its image and the database are set in Kubernetes and "
                        + "pitstop.yml."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:the cluster ran and was stopped (with --detach: it runs and all nodes are ready)",
                "1:the cluster did not start; everything started was stopped again",
                "2:a bad option, release, node configuration key or pitstop.yml",
                "3:refused: a cluster already runs in HOME, the port is taken, the database is unreachable, or a "
                        + "token file of the home is empty or readable by others (fix: chmod 600 FILE)"})
final class UpCommand implements Callable<Integer> {

    @ParentCommand
    private Pitstop pitstop;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ClusterOptions options;

    @Option(names = "--detach",
            description = "Run the cluster in the background and return once all nodes are ready. "
                    + "Its supervisor (and the gateway) logs to HOME/logs/supervisor.log, rotated like the nodes' "
                    + "logs; stop it with: pitstop down")
    private boolean detach;

    /** Refuses an empty token file, or one others can read, before anything starts. */
    private static void requireSafeTokenFiles(Home home) throws IOException {
        for (Path file : List.of(home.adminTokenFile(), home.bypassTokenFile())) {
            if (Files.exists(file)) {
                Tokens.read(file);
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        requireSafeTokenFiles(pitstop.home());
        if (pitstop.config().nodes().equals(ClusterConfig.NODES_KUBERNETES)) {
            requireOnlyReadyTimeout();
            new KubernetesCluster(pitstop, System.out).start(options.readyTimeout(pitstop.config()));
            return 0;
        }
        Home home = pitstop.home();
        SupervisorSettings settings = options.settings(home, pitstop.config());
        if (detach) {
            return new BackgroundSupervisor(home, pitstop.configOption(), System.out, System.err)
                    .start(options.toArgs(settings));
        }
        return SuperviseCommand.runInForeground(settings, true);
    }

    /** The other options describe local nodes; silently ignoring one would start something else than asked. */
    private void requireOnlyReadyTimeout() {
        List<String> given = spec.commandLine().getParseResult().matchedOptions().stream()
                .map(OptionSpec::longestName).filter(name -> !name.equals("--ready-timeout")).toList();
        if (!given.isEmpty()) {
            throw OperationException.invalid(String.join(", ", given) + (given.size() == 1 ? " is" : " are")
                    + " for local nodes; with nodes: kubernetes the Deployment and pitstop.yml's kubernetes "
                    + "section say what runs (only --ready-timeout applies)");
        }
    }
}
