package dev.pitstop.cli;

import dev.pitstop.home.Home;
import dev.pitstop.supervisor.SupervisorSettings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Starts a cluster: the database (embedded unless --db-url is given), the gateway on --port, "
                + "and the nodes of the release, with the first-start procedure: one node starts and installs "
                + "and activates the plugins; only when it is ready do the others start.",
                "",
                "Without --detach the cluster runs until Ctrl-C (or SIGTERM), which stops it gracefully. "
                        + "A node that crashes is restarted, with a growing delay between restarts. "
                        + "Each node logs to HOME/logs/<node-id>.log.",
                "",
                "The policy of pitstop.yml (see --config) is written into the cluster, where the nodes enforce it: "
                        + "policy.plugins (allowed | window-only | prohibited; default window-only for more than one "
                        + "node) and policy.upgrade (allowed | prohibited; default allowed)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:the cluster ran and was stopped (with --detach: it runs and all nodes are ready)",
                "1:the cluster did not start; everything started was stopped again",
                "2:a bad option, release, node configuration key or pitstop.yml",
                "3:refused: a cluster already runs in HOME, the port is taken, or the database is unreachable"})
final class UpCommand implements Callable<Integer> {

    @ParentCommand
    private Pitstop pitstop;

    @Mixin
    private ClusterOptions options;

    @Option(names = "--detach",
            description = "Run the cluster in the background and return once all nodes are ready. "
                    + "Its supervisor logs to HOME/logs/supervisor.log; stop it with: pitstop down")
    private boolean detach;

    @Override
    public Integer call() throws Exception {
        Home home = pitstop.home();
        SupervisorSettings settings = options.settings(home, pitstop.config());
        if (detach) {
            return new BackgroundSupervisor(home, pitstop.configOption(), System.out, System.err)
                    .start(options.toArgs(settings));
        }
        return SuperviseCommand.runInForeground(settings, true);
    }
}
