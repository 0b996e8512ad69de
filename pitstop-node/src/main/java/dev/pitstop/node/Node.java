package dev.pitstop.node;

import com.zaxxer.hikari.HikariDataSource;
import dev.pitstop.backup.BackupCatalog;
import dev.pitstop.backup.BackupOptions;
import dev.pitstop.backup.BackupSchedule;
import dev.pitstop.backup.BackupScheduler;
import dev.pitstop.backup.PasswordSource;
import dev.pitstop.control.ChangeListener;
import dev.pitstop.control.Cluster;
import dev.pitstop.control.ClusterMode;
import dev.pitstop.control.ControlSchema;
import dev.pitstop.control.Installations;
import dev.pitstop.control.MixedReleases;
import dev.pitstop.control.NodeRegistry;
import dev.pitstop.control.NodeState;
import dev.pitstop.db.Database;
import dev.pitstop.db.DbSettings;
import dev.pitstop.metrics.Metrics;
import dev.pitstop.metrics.MetricsEndpoint;
import dev.pitstop.node.http.HttpServer;
import dev.pitstop.node.http.NodeHandler;
import dev.pitstop.node.http.NodeView;
import dev.pitstop.node.install.Installer;
import dev.pitstop.node.install.ReleaseSchema;
import dev.pitstop.node.plugin.OpenWebSockets;
import dev.pitstop.node.plugin.PluginHost;
import dev.pitstop.node.plugin.PluginJar;
import dev.pitstop.node.plugin.PluginManagement;
import dev.pitstop.node.plugin.PluginReconciler;
import dev.pitstop.node.plugin.PluginStates;
import dev.pitstop.node.plugin.PluginStore;
import dev.pitstop.node.plugin.RouteTable;
import dev.pitstop.plugin.Handler;
import dev.pitstop.plugin.WsHandler;
import dev.pitstop.release.Release;
import dev.pitstop.release.Versions;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node: registers itself, installs the release if the cluster has none (one node only), loads
 * the enabled plugins and serves. It follows the cluster mode through LISTEN/NOTIFY, with a
 * periodic re-read as the safety net.
 */
public final class Node implements NodeView {

    private static final Logger log = LoggerFactory.getLogger(Node.class);
    /** How often cluster mode and plugins are re-read, in case a notification was lost. */
    private static final Duration RECHECK = Duration.ofSeconds(5);
    /** How long a stopping node keeps serving after it announced it is leaving, so balancers can react. */
    private static final Duration LEAVE_GRACE = Duration.ofSeconds(1);

    private final NodeConfig config;
    private final RouteTable<Handler> routes = new RouteTable<>();
    private final RouteTable<WsHandler> webSockets = new RouteTable<>();
    private final OpenWebSockets openWebSockets = new OpenWebSockets();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile NodeState state = NodeState.STARTING;
    private volatile boolean draining;
    private volatile String message;
    private volatile ClusterMode mode = new ClusterMode(false, null, 30);
    private volatile Cluster.TokenHashes tokens = new Cluster.TokenHashes(null, null);
    private volatile List<PluginInfo> plugins = List.of();

    private Release release;
    private HikariDataSource pool;
    private NodeRegistry registry;
    private Cluster cluster;
    private ChangeListener listener;
    private HttpServer http;
    private PluginHost pluginHost;
    private PluginStates pluginStates;
    private volatile PluginReconciler reconciler;
    private volatile PluginManagement pluginManagement;
    private ScheduledExecutorService timer;
    private volatile BackupScheduler backupScheduler;
    private volatile DatabaseCheck databaseCheck;
    private final PrometheusMeterRegistry metrics = Metrics.registry();
    private NodeMetrics nodeMetrics;

    public Node(NodeConfig config) {
        this.config = config;
    }

    /** Starts serving; returns once the node is ready, incompatible or failed (see {@link #state()}). */
    public void start() {
        config.limits().readLimits().apply();
        release = Release.open(Path.of(config.release()));
        DbSettings db = config.dbSettings();
        pool = Database.pool(db, id(), 8, Database.APP_SCHEMA, Database.POOL_WAIT);
        pool.setMetricRegistry(metrics);
        nodeMetrics = new NodeMetrics(metrics, this, () -> backupScheduler == null ? null : backupScheduler.stats());
        databaseCheck = new DatabaseCheck(db, id() + " (check)").start();
        ControlSchema.migrate(pool);
        registry = new NodeRegistry(pool);
        cluster = new Cluster(pool);
        registry.register(id(), config.advertisedUrl(), version(), NodeState.STARTING);
        refreshClusterState();
        pluginStates = new PluginStates(pool);
        pluginHost = new PluginHost(release.pluginsDir(), pool, id(), routes, webSockets, openWebSockets);
        listener = new ChangeListener(db, id() + " (listener)", List.of(Cluster.CHANNEL, PluginStates.CHANNEL),
                this::onChange).start();
        try {
            NodeHandler handler = new NodeHandler(this, routes, webSockets, openWebSockets, () -> pluginManagement,
                    pluginHost::isStarted,
                    new NodeHandler.Backing(db, pool, Path.of(config.storage()), config.backupDir(),
                            config.backup().password()), config.limits());
            http = HttpServer.start(config.http().host(), config.http().port(),
                    nodeMetrics.timed(new MetricsEndpoint(metrics, handler::acceptsToken, handler)),
                    Duration.ofSeconds(config.shutdownTimeoutSeconds()), config.tls().settings());
        } catch (Exception e) {
            setState(NodeState.FAILED, "cannot listen on " + config.http().host() + ":" + config.http().port() + ": " + e.getMessage());
            throw new IllegalStateException(message, e);
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "heartbeat"));
        timer.scheduleAtFixedRate(this::heartbeat, config.heartbeatSeconds(), config.heartbeatSeconds(), TimeUnit.SECONDS);
        timer.scheduleAtFixedRate(this::refreshClusterState, RECHECK.toSeconds(), RECHECK.toSeconds(), TimeUnit.SECONDS);
        timer.scheduleAtFixedRate(this::reconcilePlugins, RECHECK.toSeconds(), RECHECK.toSeconds(), TimeUnit.SECONDS);
        log.info("Node {} ({} {}) listening at {}", id(), release.name(), version(), config.advertisedUrl());
        try {
            bringUp(db);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.error("Node {} failed: {}", id(), e.getMessage(), e);
            setState(NodeState.FAILED, e.getMessage());
        }
    }

    private void bringUp(DbSettings db) throws Exception {
        Map<String, PluginJar> bundled = new LinkedHashMap<>();
        for (Path jar : release.plugins()) {
            PluginJar plugin = PluginJar.read(jar);
            bundled.put(plugin.id(), plugin);
        }
        PluginStore store = new PluginStore(Path.of(config.storage()));
        Installer installer = new Installer(db, pool, id(), version(), s -> setState(s, null));
        ReleaseSchema schema = new ReleaseSchema(pool, pluginStates, store, version(), bundled.values());
        String installed = installer.prepare(schema::install, schema::upgrade);
        String refusal = refusalToServe(installed);
        if (refusal != null) {
            setState(NodeState.INCOMPATIBLE, refusal);
            log.warn("Node {} does not serve: {}", id(), message);
            return;
        }
        reconciler = new PluginReconciler(pluginHost, pluginStates, store, bundled);
        reconcilePlugins();
        Map<String, PluginStates.State> rows = pluginStates.all();
        List<String> notRunning = bundled.keySet().stream()
                .filter(id -> rows.containsKey(id) && rows.get(id).active() && !pluginHost.isStarted(id)).toList();
        if (!notRunning.isEmpty()) {
            // A release whose own plugin cannot run is broken: serving without it would answer 404s.
            setState(NodeState.FAILED, "bundled plugin " + String.join(", ", notRunning) + " of release " + version()
                    + " cannot run on this node (its log says why)");
            log.error("Node {} does not serve: {}", id(), message);
            return;
        }
        pluginManagement = new PluginManagement(db, pool, id(), version(), pluginStates, store, bundled);
        startBackupSchedule(db);
        setState(NodeState.READY, null);
        log.info("Node {} is ready", id());
    }

    /** Scheduled backups, when {@code backup.cron} is set; every node schedules, one makes each backup. */
    private void startBackupSchedule(DbSettings db) {
        BackupSchedule schedule = config.backupSchedule();
        if (schedule == null) {
            return;
        }
        PasswordSource password = config.backup().password();
        backupScheduler = new BackupScheduler(schedule, db, new BackupCatalog(config.backupDir()),
                () -> BackupOptions.defaults().withStorage(Path.of(config.storage())).withRelease(version())
                        .withPassword(password), id(), Clock.systemDefaultZone());
        backupScheduler.start();
        log.info("Scheduled backups '{}' into {}, keeping {}", schedule.cron(), config.backupDir(), schedule.keep());
    }

    /**
     * Why this node may not serve a database installed at {@code installed}, or null: it runs the
     * installed release, or one of the pair an online upgrade lets serve together.
     */
    private String refusalToServe(String installed) {
        Optional<MixedReleases.Pair> mixed = new MixedReleases(pool).current();
        if (mixed.isPresent() && installed.equals(mixed.get().oldRelease())) {
            return mixed.get().refusal(version());
        }
        return installed.equals(version()) ? null : incompatibility(installed);
    }

    /** A serving node that the cluster no longer lets serve (an online upgrade contracted) stops serving. */
    private void recheckServing() {
        if (state != NodeState.READY) {
            return;
        }
        Optional<String> installed = new Installations(pool).installedVersion();
        String refusal = installed.map(this::refusalToServe).orElse(null);
        if (refusal != null) {
            setState(NodeState.INCOMPATIBLE, refusal);
            log.warn("Node {} stops serving: {}", id(), refusal);
        }
    }

    private String incompatibility(String installed) {
        if (Versions.compare(version(), installed) > 0) {
            return "this node runs release " + version() + " but the cluster is installed at " + installed
                    + ": run 'pitstop upgrade --to " + release.dir() + "' to upgrade the cluster";
        }
        return "this node runs release " + version() + ", older than the installed " + installed
                + ": run nodes of release " + installed + " (upgrades go forward only; use 'pitstop upgrade' to change releases)";
    }

    /** Leaves the rotation, lets in-flight requests finish, then deregisters. */
    public void stop() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        log.info("Node {} stopping", id());
        try {
            if (registry != null) {
                draining = state == NodeState.READY;
                setState(NodeState.STOPPED, "shutting down");
                Thread.sleep(LEAVE_GRACE.toMillis());
            }
            if (http != null) {
                http.close();
            }
        } catch (Exception e) {
            log.warn("Node {} did not drain cleanly: {}", id(), e.getMessage());
        } finally {
            if (timer != null) {
                timer.shutdownNow();
            }
            if (backupScheduler != null) {
                backupScheduler.close();
            }
            if (listener != null) {
                listener.close();
            }
            if (pluginHost != null) {
                pluginHost.close();
            }
            if (registry != null) {
                setState(NodeState.STOPPED, null);
            }
            if (pool != null) {
                pool.close();
            }
            if (databaseCheck != null) {
                databaseCheck.close();
            }
            log.info("Node {} stopped", id());
            stopped.countDown();
        }
    }

    public void awaitStop() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void setState(NodeState state, String message) {
        this.message = message;
        this.state = state;
        try {
            registry.setState(id(), state, message);
        } catch (RuntimeException e) {
            log.warn("Could not record state {} of node {}: {}", state.label(), id(), e.getMessage());
        }
    }

    private void heartbeat() {
        try {
            registry.heartbeat(id());
        } catch (RuntimeException e) {
            log.warn("Heartbeat of node {} failed: {}", id(), e.getMessage());
        }
    }

    private void onChange(String channel) {
        if (channel.equals(PluginStates.CHANNEL)) {
            reconcilePlugins();
        } else {
            refreshClusterState();
        }
    }

    private void reconcilePlugins() {
        PluginReconciler current = reconciler;
        if (current == null) {
            return;
        }
        try {
            nodeMetrics.pluginChangesApplied(current.reconcile());
            plugins = pluginStates.all().values().stream()
                    .map(s -> new PluginInfo(s.id(), s.version(), s.active() && pluginHost.isStarted(s.id())))
                    .toList();
        } catch (RuntimeException e) {
            log.warn("Could not bring plugins in line with the database: {}", e.getMessage());
        }
    }

    private void refreshClusterState() {
        try {
            mode = cluster.mode();
            tokens = cluster.tokenHashes();
            recheckServing();
        } catch (RuntimeException e) {
            log.warn("Could not read the cluster mode: {}", e.getMessage());
        }
    }

    public int port() {
        return http.port();
    }

    @Override
    public String id() {
        return config.node().id();
    }

    @Override
    public String version() {
        return release.version();
    }

    @Override
    public NodeState state() {
        return state;
    }

    @Override
    public String message() {
        return message;
    }

    @Override
    public boolean draining() {
        return draining;
    }

    @Override
    public ClusterMode mode() {
        return mode;
    }

    @Override
    public String databaseProblem() {
        DatabaseCheck check = databaseCheck;
        return check == null ? null : check.problem();
    }

    @Override
    public void databaseConnectionLost() {
        DatabaseCheck check = databaseCheck;
        if (check != null) {
            check.connectionLost();
        }
    }

    @Override
    public Cluster.TokenHashes tokens() {
        return tokens;
    }

    @Override
    public List<PluginInfo> plugins() {
        return plugins;
    }
}
