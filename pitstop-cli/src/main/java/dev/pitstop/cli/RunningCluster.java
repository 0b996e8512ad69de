package dev.pitstop.cli;

import dev.pitstop.control.Installations;
import dev.pitstop.db.DbSettings;
import dev.pitstop.home.ClusterConfig;
import dev.pitstop.home.ClusterFile;
import dev.pitstop.home.Home;
import dev.pitstop.home.KubernetesSettings;
import dev.pitstop.procedure.OperationException;
import java.io.IOException;
import dev.pitstop.control.TokenException;
import dev.pitstop.control.Tokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Function;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * How the CLI reaches a running cluster: its database, its URLs, its tokens and the release it
 * runs. A local cluster is described by its supervisor's {@code cluster.json}; a cluster on
 * Kubernetes, which no local process runs, by the {@code kubernetes:} section of {@code pitstop.yml}.
 */
final class RunningCluster {

    private static final int CONNECT_TIMEOUT_SECONDS = 5;

    private final Home home;
    private final DbSettings db;
    private final DataSource controlDb;
    private final String gateway;
    private final String admin;
    private final String control;
    private final Function<DataSource, Path> release;
    private final Path releasesDir;

    private RunningCluster(Home home, DbSettings db, String gateway, String admin, String control,
                           Function<DataSource, Path> release, Path releasesDir) {
        this.home = home;
        this.db = db;
        this.controlDb = connect(db);
        this.gateway = gateway;
        this.admin = admin;
        this.control = control;
        this.release = release;
        this.releasesDir = releasesDir;
    }

    /**
     * @throws OperationException (failed) when the cluster is not running or its database cannot be
     *                            reached; (invalid) for a bad {@code pitstop.yml}
     */
    static RunningCluster open(Pitstop pitstop) {
        ClusterConfig config = pitstop.config();
        return config.nodes().equals(ClusterConfig.NODES_KUBERNETES)
                ? onKubernetes(pitstop.home(), config.kubernetes()) : local(pitstop.home());
    }

    /** Whether {@link #open} describes a local cluster whose supervisor runs (and restarts its database). */
    static boolean supervisedLocally(Pitstop pitstop) {
        return !pitstop.config().nodes().equals(ClusterConfig.NODES_KUBERNETES)
                && ClusterFile.read(pitstop.home()).flatMap(ClusterFile::supervisor).isPresent();
    }

    private static RunningCluster local(Home home) {
        ClusterFile file = ClusterFile.read(home)
                .filter(f -> f.supervisor().isPresent())
                .orElseThrow(() -> OperationException.failed("no cluster running in " + home
                        + " (start one with: pitstop up)"));
        DbSettings db = new DbSettings(file.db().url(), file.db().user(), passwordIn(file.db().passwordFile()));
        Path release = Path.of(file.release());
        // Read again when asked: the supervisor rewrites it as an upgrade switches the release.
        return new RunningCluster(home, db, file.gateway(), file.admin(), file.control(),
                controlDb -> ClusterFile.read(home).map(now -> Path.of(now.release())).orElse(release),
                release.getParent());
    }

    /** The release running is the one installed, found among the releases by its version. */
    private static RunningCluster onKubernetes(Home home, KubernetesSettings settings) {
        KubernetesSettings.Database database = settings.database();
        DbSettings db = new DbSettings(database.url(), database.user(), passwordIn(database.passwordFile()));
        return new RunningCluster(home, db, settings.url(), settings.url(), null, controlDb -> {
            String version = new Installations(controlDb).installedVersion().orElseThrow(() ->
                    OperationException.failed("nothing is installed in " + db.url() + " yet; start the cluster "
                            + "first with: pitstop up"));
            Path dir = Path.of(settings.releases(), version);
            if (!Files.isDirectory(dir)) {
                throw OperationException.failed("the cluster runs release " + version + ", but " + dir + " does "
                        + "not exist; kubernetes.releases in pitstop.yml must hold a directory per release version");
            }
            return dir;
        }, Path.of(settings.releases()));
    }

    DbSettings db() {
        return db;
    }

    DataSource controlDb() {
        return controlDb;
    }

    /** Where clients connect: the gateway, or the Service on Kubernetes. */
    String gateway() {
        return gateway;
    }

    /** Where the admin API is reached: its paths start with {@code /admin/}. */
    String admin() {
        return admin;
    }

    /**
     * The supervisor's control API, through which procedures start and stop local nodes.
     *
     * @throws OperationException (failed) when the cluster has none
     */
    String control() {
        if (control == null) {
            throw OperationException.failed("cluster.json has no control API URL: the cluster was started by an "
                    + "older pitstop; restart it with 'pitstop down' and 'pitstop up'");
        }
        return control;
    }

    /** The directory of the release the nodes run. */
    Path release() {
        return release.apply(controlDb);
    }

    /** Where the releases an upgrade picks from are: the directory of the running one's, or kubernetes.releases. */
    Path releasesDir() {
        return releasesDir;
    }

    String adminToken() {
        return token(home.adminTokenFile(), "the admin token file");
    }

    String bypassToken() {
        return token(home.bypassTokenFile(), "the bypass token file");
    }

    /** @throws TokenException when the file is empty or others can read it (Pitstop maps it to refused) */
    private static String token(Path file, String what) {
        try {
            return Tokens.read(file);
        } catch (IOException e) {
            throw OperationException.failed("cannot read " + what + " " + file + ": " + e.getMessage());
        }
    }

    private static DataSource connect(DbSettings db) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(db.url());
        dataSource.setUser(db.user());
        dataSource.setPassword(db.password());
        dataSource.setConnectTimeout(CONNECT_TIMEOUT_SECONDS);
        dataSource.setApplicationName("pitstop-cli");
        try (Connection ignored = dataSource.getConnection()) {
            // Connecting is the check: a clear message here beats one from the first query.
        } catch (SQLException e) {
            throw new DatabaseUnreachable(db, e);
        }
        return dataSource;
    }

    /** The cluster is described, but its database does not answer: {@code status} reports it rather than fail. */
    static final class DatabaseUnreachable extends OperationException {

        DatabaseUnreachable(DbSettings db, SQLException cause) {
            super(Kind.FAILED, "cannot reach the cluster's database " + db.url() + ": " + cause.getMessage());
        }
    }

    private static String passwordIn(String file) {
        return file == null ? null : read(Path.of(file), "the database password file");
    }

    private static String read(Path file, String what) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw OperationException.failed("cannot read " + what + " " + file + ": " + e);
        }
    }
}
