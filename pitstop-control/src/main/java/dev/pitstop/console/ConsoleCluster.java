package dev.pitstop.console;

import dev.pitstop.control.Cluster;
import dev.pitstop.control.Installations;
import dev.pitstop.db.DbSettings;
import dev.pitstop.driver.NodeDriver;
import dev.pitstop.driver.TrafficDriver;
import dev.pitstop.home.ClusterConfig;
import dev.pitstop.home.Home;
import dev.pitstop.procedure.ClusterProcedures;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.procedure.Operator;
import dev.pitstop.procedure.ProcessPluginCommands;
import dev.pitstop.procedure.ProcessPlugins;
import dev.pitstop.admin.AdminClient;
import dev.pitstop.backup.BackupException;
import dev.pitstop.backup.Backups;
import dev.pitstop.backup.InvalidBackupException;
import dev.pitstop.backup.Progress;
import dev.pitstop.backup.ReplayOptions;
import dev.pitstop.backup.format.Manifest;
import dev.pitstop.procedure.Restore;
import dev.pitstop.release.ProcessNode;
import dev.pitstop.release.Release;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import dev.pitstop.procedure.ProcedureKind;
import dev.pitstop.procedure.Resumable;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.sql.DataSource;

/**
 * The cluster the console serves, and the procedures it runs on it: built from the same classes,
 * drivers and {@code pitstop.yml} as the CLI's, so that a procedure started in the console is the
 * one the CLI would run, journaled alike, and can be resumed or rolled back from either.
 *
 * @param drivers     the drivers of {@code pitstop.yml} and the bypass token, asked for when a procedure is built
 *                    (a gateway may serve the console before the cluster's first start made the tokens)
 * @param adminUrl    where the nodes' admin API is reached (a gateway), with the user's token
 * @param adminTrust  the certificates an HTTPS {@code adminUrl} is signed by; null for the runtime's CAs
 * @param releasesDir the directory holding one directory per release, from which an upgrade picks
 */
public record ConsoleCluster(DbSettings db, DataSource controlDb, Home home, ClusterConfig config,
                             ClusterProcedures.Access drivers, String adminUrl, SSLContext adminTrust,
                             Path releasesDir) implements ClusterProcedures.Access {

    @Override
    public NodeDriver nodes() {
        return drivers.nodes();
    }

    @Override
    public TrafficDriver traffic() {
        return drivers.traffic();
    }

    @Override
    public String bypassToken() {
        return drivers.bypassToken();
    }

    @Override
    public Path release() {
        return drivers.release();
    }

    /** Whether the nodes are a Kubernetes Deployment's pods, whose state the API server knows before the nodes do. */
    boolean nodesOnKubernetes() {
        return config.nodes().equals(ClusterConfig.NODES_KUBERNETES);
    }

    /** Restores with the cluster's backup password, which opens its encrypted backups and encrypts the safety one. */
    Restore restore() {
        return procedures().restore(config.backup().password(), Progress.NONE);
    }

    /** The procedures, built as the CLI's are. */
    ClusterProcedures procedures() {
        return new ClusterProcedures(db, controlDb, home, config, this);
    }

    /**
     * Where the console keeps uploaded files: a migration file stays there after its check, as the
     * journal of its apply names it; a plugin jar only until the nodes have it.
     */
    Path uploadsDir() {
        return home.dir().resolve("uploads");
    }

    /** Proves a backup restores, without touching the cluster's data, as 'pitstop backup verify' does. */
    Manifest verifyBackup(Path file) {
        try {
            Backups.label(file);
            return Backups.replay(db, file, ReplayOptions.definitions().withScratch(config.backup().scratch(db))
                    .withAppSchemas(config.applicationSchemas()).withPassword(config.backup().password()));
        } catch (InvalidBackupException e) {
            throw OperationException.refused(e.getMessage());
        } catch (BackupException e) {
            throw OperationException.failed(e.getMessage());
        }
    }

    /**
     * Rebuilds an open procedure of {@code kind} from its journaled parameters, to resume or roll it
     * back, as the CLI's {@code --resume} and {@code --rollback} do.
     *
     * @throws OperationException (refused) for a kind the console does not finish: the CLI does
     */
    Resumable<?> procedures(ProcedureKind kind) {
        return switch (kind) {
            case UPGRADE -> procedures().upgrade().resumable();
            case MAINTENANCE_BEGIN -> procedures().window().resumableBegin();
            case MAINTENANCE_END -> procedures().window().resumableEnd();
            case RESTORE -> restore().resumable();
            case MIGRATION_APPLY, ONLINE_UPGRADE -> throw OperationException.refused("the console does not finish "
                    + (kind == ProcedureKind.ONLINE_UPGRADE ? "an online upgrade" : "a migration") + "; "
                    + kind.howToFinish());
        };
    }

    /** The nodes' admin API, acting with the token its user logged in with. */
    AdminClient admin(Sessions.Session session) {
        return new AdminClient(adminUrl, session.tokenValue(), adminTrust);
    }

    Cluster cluster() {
        return new Cluster(controlDb);
    }

    /** The version installed now, "" before the first install. */
    String installedVersion() {
        return new Installations(controlDb).installedVersion().orElse("");
    }

    /** The directory of the release the cluster runs: the releases directory's entry for the installed version. */
    Path currentRelease() {
        return releases().stream().filter(r -> r.version().equals(installedVersion())).map(Release::dir).findFirst()
                .orElseThrow(() -> OperationException.failed("the cluster runs release " + installedVersion()
                        + ", which is not in " + releasesDir + "; an upgrade starts from a release found there"));
    }

    /**
     * Whether the release the cluster runs has process nodes (NocoBase), whose application reads
     * its configuration only as it starts: a migration then restarts them, as the CLI's does.
     */
    boolean runsProcessNodes() {
        return ProcessNode.of(Release.open(currentRelease())).isPresent();
    }

    /**
     * The plugin management of the release the cluster runs when its nodes are processes (NocoBase),
     * the CLI's; empty for Pitstop's own nodes, whose plugins change through their admin API.
     */
    Optional<ProcessPlugins> processPlugins(Operator operator, PrintStream out) {
        Release release = Release.open(currentRelease());
        return ProcessNode.of(release).map(descriptor -> new ProcessPlugins(release, descriptor, nodes(),
                ProcessPluginCommands.of(nodes()), db, controlDb, operator, out, config.readyTimeout()));
    }

    /** The releases in the releases directory, by directory name; directories that are no release are left out. */
    List<Release> releases() {
        try (Stream<Path> dirs = Files.list(releasesDir)) {
            return dirs.filter(Files::isDirectory).filter(dir -> Files.isRegularFile(dir.resolve(Release.DESCRIPTOR)))
                    .sorted().map(Release::open).toList();
        } catch (IOException e) {
            throw OperationException.failed("cannot list the releases in " + releasesDir + ": " + e.getMessage());
        }
    }
}
