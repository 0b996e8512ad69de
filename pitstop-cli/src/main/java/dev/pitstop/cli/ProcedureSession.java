package dev.pitstop.cli;

import dev.pitstop.home.Home;
import dev.pitstop.procedure.ClusterProcedures;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.procedure.ProcedureRunner;
import dev.pitstop.release.Release;
import java.io.PrintStream;
import java.nio.file.Path;
import javax.sql.DataSource;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The procedures of the cluster running in a home, run from this process with its drivers by the
 * operator of this process. They are built by {@link ClusterProcedures}, as the console's are.
 */
final class ProcedureSession {

    private final Home home;
    private final RunningCluster cluster;
    private final ProcedureRunner runner;
    private final ClusterProcedures procedures;

    private ProcedureSession(Pitstop pitstop, RunningCluster cluster, ProcedureRunner runner) {
        this.home = pitstop.home();
        this.cluster = cluster;
        this.runner = runner;
        this.procedures = new ClusterProcedures(cluster.db(), cluster.controlDb(), home, pitstop.config(),
                new Drivers(pitstop.config(), cluster));
    }

    /** For the command {@code spec}, run by the operator of this process. */
    static ProcedureSession open(Pitstop pitstop, CommandSpec spec) {
        return open(pitstop, spec, System.out);
    }

    /** The same, showing the steps on {@code out}. */
    static ProcedureSession open(Pitstop pitstop, CommandSpec spec, PrintStream out) {
        RunningCluster cluster = RunningCluster.open(pitstop);
        return new ProcedureSession(pitstop, cluster,
                new ProcedureRunner(cluster.db(), cluster.controlDb(), pitstop.operator(spec), out));
    }

    ProcedureRunner runner() {
        return runner;
    }

    /** The cluster's procedures, to give to {@link #runner()}. */
    ClusterProcedures procedures() {
        return procedures;
    }

    /** The release directory the nodes run now. */
    Path currentRelease() {
        return cluster.release();
    }

    /** The release the nodes run now. */
    String runningRelease() {
        try {
            return Release.open(currentRelease()).version();
        } catch (IllegalArgumentException e) {
            throw OperationException.failed("cannot read the release the cluster runs: " + e.getMessage());
        }
    }

    DataSource controlDb() {
        return cluster.controlDb();
    }

    Path backupsDir() {
        return home.backupsDir();
    }
}
