package dev.pitstop.procedure;

import dev.pitstop.backup.BackupException;
import dev.pitstop.backup.PasswordSource;
import dev.pitstop.backup.Progress;
import dev.pitstop.backup.ReplayOptions;
import dev.pitstop.control.Cluster;
import dev.pitstop.control.Installations;
import dev.pitstop.control.MixedReleases;
import dev.pitstop.control.NodeRegistry;
import dev.pitstop.control.ProcedureJournal;
import dev.pitstop.db.DbSettings;
import dev.pitstop.driver.NodeDriver;
import dev.pitstop.driver.TrafficDriver;
import dev.pitstop.home.ClusterConfig;
import dev.pitstop.home.Home;
import dev.pitstop.lint.SqlParser;
import dev.pitstop.migration.InvalidMigrationException;
import dev.pitstop.migration.MigrationException;
import dev.pitstop.migration.MigrationKeys;
import dev.pitstop.migration.MigrationRefusedException;
import dev.pitstop.migration.Migrations;
import dev.pitstop.secret.ClusterKey;
import dev.pitstop.secret.ClusterSecrets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The procedures of one cluster, built from its {@code pitstop.yml}, its home and its drivers. The
 * CLI and the web console both build their procedures here, so that a procedure started in one is
 * the one the other would run, journaled alike, and can be resumed or rolled back from either.
 */
public final class ClusterProcedures {

    /**
     * What the procedures act through. Asked for only when a procedure is built, so that a command that
     * only reads or abandons the journal needs no node driver (no Kubernetes client) and no bypass token.
     */
    public interface Access {

        NodeDriver nodes();

        TrafficDriver traffic();

        /** The token that passes the status page, for the verification of nodes. */
        String bypassToken();

        /**
         * The directory of the release the nodes run now, asked each time a node is verified: the checks
         * it declares verify them.
         */
        Path release();

        /**
         * Drivers made already and a token read already, where a process holds them from its start, and
         * where it reads the release the nodes run.
         */
        static Access of(NodeDriver nodes, TrafficDriver traffic, String bypassToken, Supplier<Path> release) {
            record Given(NodeDriver nodes, TrafficDriver traffic, String bypassToken, Supplier<Path> running)
                    implements Access {
                @Override
                public Path release() {
                    return running.get();
                }
            }
            return new Given(nodes, traffic, bypassToken, release);
        }
    }

    private final DbSettings db;
    private final DataSource controlDb;
    private final Home home;
    private final ClusterConfig config;
    private final Access access;

    public ClusterProcedures(DbSettings db, DataSource controlDb, Home home, ClusterConfig config, Access access) {
        this.db = db;
        this.controlDb = controlDb;
        this.home = home;
        this.config = config;
        this.access = access;
    }

    public Upgrade upgrade() {
        return new Upgrade(access.nodes(), access.traffic(), new Cluster(controlDb), new Installations(controlDb),
                verification(), upgradePreflight(), new ProcedureJournal(controlDb), db, provenBackup(),
                home.storageDir(), config.backup().password(), config.readyTimeout());
    }

    /** The online upgrade, linting with PostgreSQL's parser where this process finds it. */
    public OnlineUpgrade onlineUpgrade() {
        return new OnlineUpgrade(access.nodes(), access.traffic(), new NodeRegistry(controlDb),
                new Installations(controlDb), new MixedReleases(controlDb),
                verification(), upgradePreflight(), db, provenBackup(), home.storageDir(), config.backup().password(),
                config.readyTimeout(), SqlParser.located());
    }

    public UpgradePreflight upgradePreflight() {
        return new UpgradePreflight(controlDb, new Cluster(controlDb), home.storageDir());
    }

    public MaintenanceWindow window() {
        return new MaintenanceWindow(access.nodes(), access.traffic(), new Cluster(controlDb),
                new ProcedureJournal(controlDb), verification(), config.readyTimeout());
    }

    /**
     * Restores into this cluster; {@code password} opens encrypted backups, the cluster's backup
     * password encrypts the safety backup, {@code progress} shows the work on the backup files.
     */
    public Restore restore(PasswordSource password, Progress progress) {
        return new Restore(access.nodes(), access.traffic(), new Cluster(controlDb), verification(), db,
                new ProcedureJournal(controlDb), provenBackup(), home.storageDir(), password,
                config.backup().password(), progress, config.readyTimeout());
    }

    /** Applies migration files inside a maintenance window, after a backup; {@code progress} shows the backup. */
    public MigrationApply migrationApply(Progress progress) {
        return new MigrationApply(window(), new Cluster(controlDb), db, provenBackup(), home.storageDir(),
                config.backup().password(), progress);
    }

    /**
     * What this cluster, as a migration's target, accepts: files signed by the keys it trusts (in the
     * home's migration-keys), into its application schemas, secrets sealed with its cluster key.
     *
     * @throws OperationException (failed) when a key cannot be read or the cluster key made
     */
    public Migrations.Options migrationOptions() {
        Path keyFile = config.clusterKeyFile(home);
        ClusterKey clusterKey;
        try {
            clusterKey = ClusterKey.readOrCreate(keyFile);
        } catch (IOException | IllegalArgumentException e) {
            throw OperationException.failed("cannot read the cluster key " + keyFile + " (cluster-key-file in "
                    + "pitstop.yml): " + e.getMessage());
        }
        MigrationKeys keys = new MigrationKeys(home.migrationKeysDir());
        return Migrations.Options.accepting(migrationEngine(keys::accepted)).withClusterKey(clusterKey).withAppSchemas(config.applicationSchemas());
    }

    /**
     * As 'pitstop migration check': runs the migration in a transaction that is rolled back, and tells
     * per table what it would change and which schema statements would run.
     *
     * @throws OperationException refused with every reason (an untrusted signature first of all),
     *                            invalid for a damaged file, failed when the database fails
     */
    public Migrations.Report migrationCheck(Path file, Migrations.Options options) {
        return migrationEngine(() -> Migrations.check(db, file, options));
    }

    /** The migration engine's errors as outcomes: refused, invalid input, failed. */
    public static <T> T migrationEngine(Supplier<T> call) {
        try {
            return call.get();
        } catch (MigrationRefusedException e) {
            throw OperationException.refused(e.getMessage());
        } catch (InvalidMigrationException e) {
            throw OperationException.invalid(e.getMessage());
        } catch (MigrationException | BackupException e) {
            throw OperationException.failed(e.getMessage());
        }
    }

    /** Takes the backups procedures rely on, and proves they restore, where pitstop.yml says to replay them. */
    public ProvenBackup provenBackup() {
        return new ProvenBackup(db, ReplayOptions.definitions().withScratch(config.backup().scratch(db))
                .withAppSchemas(config.applicationSchemas()));
    }

    /** Every procedure verifies with the checks of pitstop.yml and of the release its nodes run. */
    private Verification verification() {
        NodeDriver nodes = access.nodes();
        return new Verification(config.checks(), access::release, access.bypassToken(), nodes.routingDelay(),
                new ClusterSecrets(home.secretsDir()));
    }
}
