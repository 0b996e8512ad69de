package dev.pitstop.cli;

import dev.pitstop.backup.PasswordSource;
import dev.pitstop.backup.Progress;
import dev.pitstop.backup.ReplayOptions;
import dev.pitstop.control.Cluster;
import dev.pitstop.control.Installations;
import dev.pitstop.control.MixedReleases;
import dev.pitstop.control.NodeRegistry;
import dev.pitstop.control.ProcedureJournal;
import dev.pitstop.home.ClusterConfig;
import dev.pitstop.home.Home;
import dev.pitstop.procedure.MaintenanceWindow;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.procedure.ProcedureRunner;
import dev.pitstop.lint.SqlParser;
import dev.pitstop.procedure.ProvenBackup;
import dev.pitstop.procedure.Restore;
import dev.pitstop.procedure.OnlineUpgrade;
import dev.pitstop.procedure.Upgrade;
import dev.pitstop.procedure.UpgradePreflight;
import dev.pitstop.procedure.Verification;
import dev.pitstop.release.Release;
import java.io.PrintStream;
import java.nio.file.Path;
import javax.sql.DataSource;
import picocli.CommandLine.Model.CommandSpec;

/** The procedures of the cluster running in a home, run from this process with its drivers. */
final class ClusterProcedures {

    private final Home home;
    private final RunningCluster cluster;
    private final ClusterConfig config;
    private final ProcedureRunner runner;
    private final Drivers drivers;

    private ClusterProcedures(Home home, RunningCluster cluster, ClusterConfig config, ProcedureRunner runner) {
        this.home = home;
        this.cluster = cluster;
        this.config = config;
        this.runner = runner;
        this.drivers = new Drivers(config, cluster);
    }

    /** For the command {@code spec}, run by the operator of this process. */
    static ClusterProcedures open(Pitstop pitstop, CommandSpec spec) {
        return open(pitstop, spec, System.out);
    }

    /** The same, showing the steps on {@code out}. */
    static ClusterProcedures open(Pitstop pitstop, CommandSpec spec, PrintStream out) {
        ClusterConfig config = pitstop.config();
        RunningCluster cluster = RunningCluster.open(pitstop);
        return new ClusterProcedures(pitstop.home(), cluster, config,
                new ProcedureRunner(cluster.db(), cluster.controlDb(), pitstop.operator(spec), out));
    }

    ProcedureRunner runner() {
        return runner;
    }

    Upgrade upgrade() {
        Cluster control = new Cluster(cluster.controlDb());
        return new Upgrade(drivers.nodes(), drivers.traffic(), control,
                new Installations(cluster.controlDb()), verification(),
                upgradePreflight(), new ProcedureJournal(cluster.controlDb()), cluster.db(), provenBackup(),
                home.storageDir(), config.backup().password(), config.readyTimeout());
    }

    /** The online upgrade, linting with PostgreSQL's parser where this process finds it. */
    OnlineUpgrade onlineUpgrade() {
        return new OnlineUpgrade(drivers.nodes(), drivers.traffic(), new NodeRegistry(cluster.controlDb()),
                new Installations(cluster.controlDb()), new MixedReleases(cluster.controlDb()), verification(), upgradePreflight(), cluster.db(),
                provenBackup(), home.storageDir(), config.backup().password(), config.readyTimeout(),
                SqlParser.located());
    }

    UpgradePreflight upgradePreflight() {
        return new UpgradePreflight(cluster.controlDb(), new Cluster(cluster.controlDb()), home.storageDir());
    }

    /** The release directory the nodes run now. */
    Path currentRelease() {
        return cluster.release();
    }

    DataSource controlDb() {
        return cluster.controlDb();
    }

    Path backupsDir() {
        return home.backupsDir();
    }

    /**
     * Restores into this cluster; {@code password} opens encrypted backups and encrypts the safety
     * backup, {@code progress} shows the work on the backup files.
     */
    Restore restore(PasswordSource password, Progress progress) {
        Cluster control = new Cluster(cluster.controlDb());
        return new Restore(drivers.nodes(), drivers.traffic(), control,
                verification(), cluster.db(), new ProcedureJournal(cluster.controlDb()), provenBackup(),
                home.storageDir(), password, config.backup().password(), progress, config.readyTimeout());
    }

    /** Takes the backups procedures rely on, and proves they restore, where pitstop.yml says to replay them. */
    ProvenBackup provenBackup() {
        return new ProvenBackup(cluster.db(),
                ReplayOptions.definitions().withScratch(config.backup().scratch(cluster.db()))
                        .withAppSchemas(config.applicationSchemas()));
    }

    /** The cluster's backup password (pitstop.yml's backup.password-file), or none. */
    PasswordSource backupPassword() {
        return config.backup().password();
    }

    private Verification verification() {
        return new Verification(config.checks(), cluster.bypassToken(), drivers.nodes().routingDelay());
    }

    /** The release the nodes run now. */
    String runningRelease() {
        try {
            return Release.open(currentRelease()).version();
        } catch (IllegalArgumentException e) {
            throw OperationException.failed("cannot read the release the cluster runs: " + e.getMessage());
        }
    }

    MaintenanceWindow window() {
        Cluster control = new Cluster(cluster.controlDb());
        return new MaintenanceWindow(drivers.nodes(), drivers.traffic(), control,
                new ProcedureJournal(cluster.controlDb()), verification(),
                config.readyTimeout());
    }
}
