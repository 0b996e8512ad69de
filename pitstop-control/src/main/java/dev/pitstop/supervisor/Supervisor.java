package dev.pitstop.supervisor;

import com.zaxxer.hikari.HikariDataSource;
import dev.pitstop.backup.BackupCatalog;
import dev.pitstop.console.Console;
import dev.pitstop.console.ConsoleCluster;
import dev.pitstop.control.Cluster;
import dev.pitstop.control.Installations;
import dev.pitstop.control.NodeRegistry;
import dev.pitstop.control.Tokens;
import dev.pitstop.db.Database;
import dev.pitstop.db.DbSettings;
import dev.pitstop.driver.BuiltInGatewayTraffic;
import dev.pitstop.driver.NodeFailedException;
import dev.pitstop.driver.Proxies;
import dev.pitstop.driver.ProxyTraffic;
import dev.pitstop.driver.TrafficDriver;
import dev.pitstop.gateway.Gateway;
import dev.pitstop.gateway.GatewayConfig;
import dev.pitstop.home.ClusterFile;
import dev.pitstop.home.ControlSetup;
import dev.pitstop.home.Home;
import dev.pitstop.http.DevCertificate;
import dev.pitstop.http.Pem;
import dev.pitstop.metrics.Metrics;
import dev.pitstop.procedure.ClusterProcedures;
import dev.pitstop.procedure.FirstStart;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.procedure.StepList;
import dev.pitstop.release.Release;
import dev.pitstop.status.ClusterMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a cluster on this machine: the database (embedded unless one is given), the gateway and the
 * nodes, started with the first-start procedure. It stops them in the reverse order — nodes drain
 * first, the database goes last — when asked to, or when starting fails part-way, so a failed
 * start leaves nothing running.
 *
 * <p>{@link #close()} may be called from another thread (a shutdown hook on SIGTERM) while
 * {@link #start()} is still running; the start is then abandoned and what it started is stopped.
 */
public final class Supervisor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);

    /** Something started, and how to stop it. */
    private record Started(String stopDescription, AutoCloseable resource) {
    }

    private final SupervisorSettings settings;
    private final Home home;
    private final StepList steps;
    private final PrintStream out;
    private final Deque<Started> started = new ArrayDeque<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Thread starter;
    private HomeLock lock;
    private boolean stopping;
    private ClusterFile clusterFile;
    private String adminTokenHash;

    public Supervisor(SupervisorSettings settings, PrintStream out) {
        this.settings = settings;
        this.home = settings.home();
        this.out = out;
        this.steps = new StepList(out);
    }

    /**
     * Starts everything and returns when every node is ready.
     *
     * @throws OperationException when anything did not start; everything started before has been stopped
     */
    public void start() {
        starter = Thread.currentThread();
        try {
            lock = HomeLock.acquire(home);
            out.printf("Starting %d node%s of %s %s in %s%n", settings.nodes(), settings.nodes() == 1 ? "" : "s",
                    settings.release().name(), settings.release().version(), home);
            Ports.requireFree(settings.host(), settings.port(), "the gateway");
            DbSettings db = startDatabase();
            HikariDataSource pool = Database.pool(db, "pitstop-supervisor", 2);
            register("close the database connections", pool);
            steps.run("migrate the control schema, install the tokens and the policy", 
                    () -> adminTokenHash = ControlSetup.prepare(pool, home, settings.config(), settings.nodes()));
            String gatewayUrl = (settings.tls() == null ? "http" : "https") + "://" + Ports.local(settings.host()) + ":"
                    + settings.port();
            LocalNodeDriver nodes = LocalNodeDriver.create(home, settings.release(), settings.nodes(),
                    clusterDb(db), nodeSettings(), new NodeRegistry(pool), new Installations(pool), settings.config().logs());
            Consumer<Release> releaseSwitched = release -> writeClusterFile(clusterFile.withRelease(release.dir().toString()));
            Console console = console(db, pool, nodes, releaseSwitched, gatewayUrl);
            // The gateway outlives every node: its /metrics carries the cluster's too.
            PrometheusMeterRegistry metrics = Metrics.registry();
            metrics.getPrometheusRegistry().register(new ClusterMetrics(pool, new BackupCatalog(home.backupsDir())));
            steps.run("start the gateway on " + gatewayUrl + " (console at " + gatewayUrl + Gateway.CONSOLE_PATH + "/)",
                    () -> register("stop the gateway", Gateway.start(settings.config().gateway()
                            .apply(GatewayConfig.defaults(), home.dir())
                            .withHost(settings.host())
                            .withPort(settings.port())
                            .withTls(settings.tls()), pool, db, metrics, console)));
            register("stop the nodes (they drain first)", nodes);
            register("empty the Prometheus targets", ScrapeTargets.write(home, nodes.nodeUrls(), gatewayUrl));
            ControlApi control = ControlApi.start(nodes, adminTokenHash, releaseSwitched);
            register("stop the control API", control);
            writeClusterFile(new ClusterFile(gatewayUrl, gatewayUrl, control.url(), home.adminTokenFile().toString(),
                    home.bypassTokenFile().toString(), clusterDb(db), ProcessHandle.current().pid(),
                    ClusterFile.STARTING, settings.release().dir().toString(), nodes.nodeIds()));
            new FirstStart(nodes, steps, settings.readyTimeout()).run();
            // An external proxy learns where the nodes are only from Pitstop: before the cluster counts as running.
            Proxies.of(settings.config()).ifPresent(proxy -> steps.run("point " + proxy + " at the nodes",
                    () -> new ProxyTraffic(proxy, nodes, new Cluster(pool), new NodeRegistry(pool)).followRotation()));
            markRunning(gatewayUrl);
        } catch (RuntimeException | IOException e) {
            OperationException failure = describe(e);
            close();
            throw failure;
        } finally {
            starter = null;
        }
    }

    /** Blocks until the supervisor has stopped everything. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** The console runs the procedures here, in the process that outlives the nodes, on the same nodes. */
    private Console console(DbSettings db, HikariDataSource pool, LocalNodeDriver nodes,
                            Consumer<Release> releaseSwitched, String gatewayUrl) throws IOException {
        Cluster cluster = new Cluster(pool);
        TrafficDriver traffic = Proxies.of(settings.config())
                .<TrafficDriver>map(proxy -> new ProxyTraffic(proxy, nodes, cluster, new NodeRegistry(pool)))
                .orElseGet(() -> new BuiltInGatewayTraffic(cluster));
        return new Console(new ConsoleCluster(db, pool, home, settings.config(),
                ClusterProcedures.Access.of(new ReleaseFollowingNodes(nodes, releaseSwitched), traffic,
                        Tokens.read(home.bypassTokenFile()), this::runningRelease), gatewayUrl, adminTrust(),
                settings.release().dir().getParent()));
    }

    /**
     * The release the nodes run: the one cluster.json names, which a switch of release rewrites; before
     * it is first written (the console serves while the nodes start), the one this supervisor started.
     */
    private synchronized Path runningRelease() {
        return clusterFile == null ? settings.release().dir() : Path.of(clusterFile.release());
    }

    /** The console reaches the admin API through this gateway: over TLS, it trusts the home's CA, as the CLI does. */
    private SSLContext adminTrust() {
        Path ca = DevCertificate.in(home.tlsDir()).ca();
        return settings.tls() != null && Files.exists(ca) ? Pem.trusting(ca) : null;
    }

    private DbSettings startDatabase() throws IOException {
        if (settings.externalDb() != null) {
            DbSettings db = settings.externalDb();
            steps.run("connect to the database " + db, () -> requireReachable(db));
            return db;
        }
        DatabaseKeeper[] database = new DatabaseKeeper[1];
        steps.run("start the embedded database (data in " + home.databaseDir() + ")", () -> {
            try {
                database[0] = DatabaseKeeper.start(home.databaseDir(), home.databasePasswordFile(), home.databaseLog(),
                        settings.durability());
            } catch (IOException e) {
                throw new UncheckedIOException("the embedded database did not start: " + e.getMessage()
                        + " (see " + home.databaseLog() + ")", e);
            }
        });
        register("stop the embedded database", database[0]);
        return database[0].settings();
    }

    private static void requireReachable(DbSettings db) {
        try (Connection ignored = Database.connect(db, "pitstop-supervisor")) {
            // Connecting is the check.
        } catch (SQLException e) {
            throw OperationException.refused("cannot connect to the database " + db + ": " + e.getMessage()
                    + "; nothing was started");
        }
    }

    /** The nodes' scheduled backups are encrypted with the cluster's backup password, unless told otherwise. */
    private Map<String, String> nodeSettings() {
        Map<String, String> nodeSettings = new LinkedHashMap<>(settings.nodeSettings());
        String backupPasswordFile = settings.config().backup().passwordFile();
        if (backupPasswordFile != null) {
            nodeSettings.putIfAbsent("backup.password-file", backupPasswordFile);
        }
        return nodeSettings;
    }

    private ClusterFile.Db clusterDb(DbSettings db) {
        boolean embedded = settings.externalDb() == null;
        Path passwordFile = embedded ? home.databasePasswordFile() : settings.dbPasswordFile();
        return new ClusterFile.Db(db.url(), db.user(), passwordFile == null ? null : passwordFile.toString(), embedded);
    }

    /** Records that the cluster runs, unless a stop began meanwhile: then it no longer does. */
    /**
     * Announces the cluster, then records it as running: {@code up --detach} stops following this
     * process's log when the cluster file says running, so the announcement must be in the log first.
     */
    private void markRunning(String gatewayUrl) {
        synchronized (this) {
            if (!stopping) {
                out.printf("Cluster ready at %s (admin token in %s)%n", gatewayUrl, home.adminTokenFile());
                out.flush();
                writeClusterFile(clusterFile.withState(ClusterFile.RUNNING));
                return;
            }
        }
        throw OperationException.failed("stopped while starting; nothing is left running");
    }

    private synchronized void writeClusterFile(ClusterFile file) {
        clusterFile = file;
        file.write(home);
    }

    /** Keeps what was just started for {@link #close()}; if a stop began meanwhile, stops it at once. */
    private void register(String stopDescription, AutoCloseable resource) {
        synchronized (this) {
            if (!stopping) {
                started.push(new Started(stopDescription, resource));
                return;
            }
        }
        closeQuietly(new Started(stopDescription, resource));
        throw OperationException.failed("stopped while starting; nothing is left running");
    }

    private static OperationException describe(Exception e) {
        if (e instanceof OperationException operation) {
            return operation;
        }
        if (e instanceof NodeFailedException node) {
            return new OperationException(node.configurationError() ? OperationException.Kind.INVALID
                    : OperationException.Kind.FAILED, "first start failed and everything was stopped again: "
                    + node.getMessage());
        }
        return OperationException.failed("starting the cluster failed and everything was stopped again: "
                + e.getMessage());
    }

    /**
     * Stops everything started, in reverse order. Safe to call more than once and from any thread;
     * a start in progress is interrupted.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (stopping) {
                return;
            }
            stopping = true;
        }
        Thread startingThread = starter;
        if (startingThread != null && startingThread != Thread.currentThread()) {
            startingThread.interrupt();
        }
        if (clusterFile != null) {
            writeClusterFile(clusterFile.withState(ClusterFile.STOPPING));
        }
        if (!started.isEmpty()) {
            out.println("Stopping the cluster in " + home);
            StepList stopSteps = new StepList(out);
            while (true) {
                Started next;
                synchronized (this) {
                    next = started.poll();
                }
                if (next == null) {
                    break;
                }
                stopSteps.run(next.stopDescription(), () -> closeQuietly(next));
            }
        }
        if (clusterFile != null) {
            writeClusterFile(clusterFile.stopped());
            out.println("Cluster stopped");
        }
        // Released last, after cluster.json says stopped, so a new supervisor never reads a stale state.
        if (lock != null) {
            closeQuietly(new Started("release " + home, lock));
        }
        stopped.countDown();
    }

    private static void closeQuietly(Started started) {
        try {
            started.resource().close();
        } catch (Exception e) {
            log.warn("Could not {}: {}", started.stopDescription(), e.toString());
        }
    }
}
