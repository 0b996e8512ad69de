package dev.pitstop.cli;

import dev.pitstop.control.Cluster;
import dev.pitstop.control.ProcedureJournal;
import dev.pitstop.driver.BuiltInGatewayTraffic;
import dev.pitstop.home.ClusterConfig;
import dev.pitstop.procedure.MaintenanceWindow;
import dev.pitstop.procedure.ProcedureRunner;
import dev.pitstop.procedure.Verification;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;

/** The procedures of the cluster running in a home, run from this process with its drivers. */
final class ClusterProcedures {

    private static final Duration READY_TIMEOUT =
            Duration.ofSeconds(Long.parseLong(ClusterOptions.DEFAULT_READY_TIMEOUT_SECONDS));

    private final RunningCluster cluster;
    private final ClusterConfig config;
    private final ProcedureRunner runner;

    private ClusterProcedures(RunningCluster cluster, ClusterConfig config, ProcedureRunner runner) {
        this.cluster = cluster;
        this.config = config;
        this.runner = runner;
    }

    /** For the command {@code spec}, run by the operator of this process. */
    static ClusterProcedures open(Pitstop pitstop, CommandSpec spec) {
        ClusterConfig config = pitstop.config();
        RunningCluster cluster = RunningCluster.open(pitstop.home());
        return new ClusterProcedures(cluster, config,
                new ProcedureRunner(cluster.db(), cluster.controlDb(), pitstop.operator(spec), System.out));
    }

    ProcedureRunner runner() {
        return runner;
    }

    MaintenanceWindow window() {
        Cluster control = new Cluster(cluster.controlDb());
        return new MaintenanceWindow(cluster.nodes(), new BuiltInGatewayTraffic(control), control,
                new ProcedureJournal(cluster.controlDb()), new Verification(config.checks(), cluster.bypassToken()),
                READY_TIMEOUT);
    }
}
