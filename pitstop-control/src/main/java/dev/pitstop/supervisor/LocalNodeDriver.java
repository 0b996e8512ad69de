package dev.pitstop.supervisor;

import dev.pitstop.control.Installations;
import dev.pitstop.control.NodeRecord;
import dev.pitstop.control.NodeRegistry;
import dev.pitstop.control.NodeState;
import dev.pitstop.driver.NodeDriver;
import dev.pitstop.driver.NodeFailedException;
import dev.pitstop.driver.NodeStatus;
import dev.pitstop.home.ClusterConfig;
import dev.pitstop.home.ClusterFile;
import dev.pitstop.home.Home;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.procedure.ProcessPluginCommands;
import dev.pitstop.release.ProcessNode;
import dev.pitstop.release.Release;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the nodes as child processes of this JVM, on free loopback ports, and restarts a node that
 * crashes after it had been ready, with exponential backoff. A node that dies before it was ever
 * ready is not restarted: that is a failed start, reported to whoever waits for it.
 */
public final class LocalNodeDriver implements NodeDriver, ProcessPluginCommands, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalNodeDriver.class);

    /** The node runtime's default {@code shutdown-timeout-seconds}. */
    private static final int NODE_SHUTDOWN_TIMEOUT_SECONDS = 30;
    /** How long past its shutdown timeout a node may take to exit before it is killed. */
    private static final Duration EXIT_GRACE = Duration.ofSeconds(10);

    private static final Duration POLL = Duration.ofMillis(250);
    /** Well within {@code status}'s heartbeat timeout (5 s). */
    private static final Duration HEARTBEAT = Duration.ofSeconds(2);
    private static final int LOG_LINES_ON_FAILURE = 15;
    /** Fewer lines for a crash shown in {@code status}: one table row holds them. */
    private static final int LOG_LINES_IN_STATUS = 5;
    /** What the node runtime exits with when its configuration is wrong. */
    private static final int CONFIG_ERROR_EXIT = 2;
    private static final String INSTALL = "install";
    private static final String UPGRADE = "upgrade";

    private final Map<String, NodeProcess> nodes;
    private final NodeRegistry registry;
    private final Installations installations;
    private final Home home;
    private final ClusterFile.Db db;
    private final Map<String, String> settings;
    private final Duration stopTimeout;
    private final HealthProbe probe = new HealthProbe();
    private final ScheduledExecutorService restarts = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "node-restarts");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean closed;
    /** The release directory each node runs when started next. */
    private final Map<String, Path> nodeReleases = new ConcurrentHashMap<>();
    /** The nodes of a release that describes them as processes; null while they run Pitstop's own runtime. */
    private volatile ProcessNodes processNodes;
    /** The command a process node's release runs once before the next node starts (install, upgrade), or null. */
    private Setup pendingSetup;

    private record Setup(String step, List<String> command) {
    }

    /**
     * A process node's setup command and launch, by node, while under way or once failed: it may take
     * minutes (NocoBase's upgrade), longer than anyone waits for {@link #start}, so it runs here and
     * {@link #awaitReady} reports how it ended.
     */
    private final Map<String, CompletableFuture<Void>> setups = new ConcurrentHashMap<>();
    private final ExecutorService setupRunner = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "node-setup");
        thread.setDaemon(true);
        return thread;
    });

    /** Process nodes restarted after a crash, which nobody waits for: the heartbeat marks them ready. */
    private final Set<String> restarted = ConcurrentHashMap.newKeySet();

    private LocalNodeDriver(Map<String, NodeProcess> nodes, NodeRegistry registry, Installations installations,
                            Home home, ClusterFile.Db db, Map<String, String> settings, Duration stopTimeout) {
        this.nodes = nodes;
        this.registry = registry;
        this.installations = installations;
        this.home = home;
        this.db = db;
        this.settings = Map.copyOf(settings);
        this.stopTimeout = stopTimeout;
    }

    /** Writes each node's configuration file for {@code release} and the command that runs it. */
    private void configure(Release release) {
        Optional<ProcessNode> described = ProcessNode.of(release);
        if (described.isPresent()) {
            processNodes = new ProcessNodes(release, described.get(), home, db);
            nodes.values().forEach(node -> {
                nodeReleases.put(node.id(), release.dir());
                node.useLaunch(processNodes.launch(node.id(), node.url()));
            });
            return;
        }
        processNodes = null;
        for (NodeProcess node : nodes.values()) {
            configure(node, release);
        }
    }

    /** The same for one node. */
    private void configure(NodeProcess node, Release release) {
        nodeReleases.put(node.id(), release.dir());
        int port = URI.create(node.url()).getPort();
        Path config = NodeConfigFile.write(home, node.id(), node.url(), port, release, db);
        Path lib = realPath(release.lib());
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", lib.resolve("*").toString(),
                "dev.pitstop.node.NodeMain", "--config", config.toString()));
        settings.forEach((key, value) -> command.addAll(List.of("--set", key + "=" + value)));
        node.useCommand(command, ClassDataArchive.inUserCache("node", List.of(lib)));
    }

    /**
     * A release whose lib/ links another's (the same runtime with other plugins) runs from, and shares
     * the class data archive of, that one: an archive maps only for the class path it was made with.
     */
    private static Path realPath(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            return dir;
        }
    }

    /**
     * Prepares {@code count} nodes {@code node-1} ... {@code node-N} of the release: a free port and
     * a configuration file each. Nothing is started yet.
     *
     * @param settings      extra node configuration ({@code key=value}) given to every node as flags
     * @param installations where the install and upgrade commands of a process release are recorded, as
     *                      Pitstop's own nodes record theirs
     * @param logs          how the nodes' logs ({@code HOME/logs/NODE.log}) rotate
     */
    public static LocalNodeDriver create(Home home, Release release, int count, ClusterFile.Db db,
                                         Map<String, String> settings, NodeRegistry registry,
                                         Installations installations, ClusterConfig.LogsSettings logs) {
        Map<String, NodeProcess> nodes = new LinkedHashMap<>();
        for (int i = 1; i <= count; i++) {
            String id = "node-" + i;
            nodes.put(id, new NodeProcess(id, "http://" + Ports.HOST + ":" + Ports.free(),
                    new RotatingLog(home.nodeLog(id), logs)));
        }
        LocalNodeDriver driver = new LocalNodeDriver(nodes, registry, installations, home, db, settings,
                shutdownTimeout(settings).plus(EXIT_GRACE));
        driver.configure(release);
        driver.restarts.scheduleWithFixedDelay(driver::heartbeatProcessNodes, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(),
                TimeUnit.MILLISECONDS);
        driver.setupBeforeFirstStart(INSTALL, ProcessNode.Commands::install);
        return driver;
    }

    /** The nodes' shutdown timeout; an invalid value is the node's to reject, with a clear message. */
    private static Duration shutdownTimeout(Map<String, String> settings) {
        try {
            return Duration.ofSeconds(Integer.parseInt(settings.getOrDefault("shutdown-timeout-seconds",
                    String.valueOf(NODE_SHUTDOWN_TIMEOUT_SECONDS))));
        } catch (NumberFormatException e) {
            return Duration.ofSeconds(NODE_SHUTDOWN_TIMEOUT_SECONDS);
        }
    }

    @Override
    public List<String> nodeIds() {
        return List.copyOf(nodes.keySet());
    }

    /** Each node's URL by its id; a node keeps its port while this supervisor runs. */
    Map<String, String> nodeUrls() {
        Map<String, String> urls = new LinkedHashMap<>();
        nodes.values().forEach(node -> urls.put(node.id(), node.url()));
        return urls;
    }

    @Override
    public synchronized void start(String nodeId) {
        if (closed) {
            throw OperationException.failed("the supervisor is stopping; " + nodeId + " was not started");
        }
        NodeProcess node = node(nodeId);
        ProcessNodes described = processNodes;
        if (described == null || node.running()) {
            node.start(process -> exited(node, process));
            return;
        }
        List<String> settingUp = setups.entrySet().stream().filter(e -> !e.getValue().isDone()).map(Map.Entry::getKey)
                .toList();
        if (!settingUp.isEmpty()) {
            if (settingUp.contains(nodeId)) {
                return;
            }
            throw OperationException.refused("cannot start " + nodeId + " while " + settingUp.get(0) + " runs the "
                    + "install or upgrade command of " + described.release().version()
                    + "; start the other nodes once it is ready");
        }
        if (pendingSetup != null && pendingSetup.step().equals(UPGRADE)
                && installations.installedVersion().orElse("").equals(described.release().version())) {
            // The database is this release's already: restored from a backup of it, as a rollback does.
            pendingSetup = null;
        }
        Setup setup = pendingSetup;
        if (setup == null) {
            setups.remove(nodeId);
            launch(node, described);
            return;
        }
        registry.register(nodeId, node.url(), described.release().version(),
                setup.step().equals(INSTALL) ? NodeState.INSTALLING : NodeState.UPGRADING,
                described.descriptor().health().ready());
        setups.put(nodeId, CompletableFuture.runAsync(() -> {
            runSetup(node, described, setup);
            synchronized (this) {
                launch(node, described);
            }
        }, setupRunner).whenComplete((done, failure) -> {
            if (failure != null) {
                registry.setState(nodeId, NodeState.FAILED, cause(failure).getMessage());
            }
        }));
    }

    private void launch(NodeProcess node, ProcessNodes described) {
        if (closed) {
            throw OperationException.failed("the supervisor is stopping; " + node.id() + " was not started");
        }
        registry.register(node.id(), node.url(), described.release().version(), NodeState.STARTING,
                described.descriptor().health().ready());
        node.start(process -> exited(node, process));
    }

    /**
     * A process node's release runs {@code command} once, before the next node starts: {@code install}
     * on the cluster's first start, {@code upgrade} on the first node of a new release. The nodes of such
     * an application do not coordinate among themselves, which is why the procedures start one node alone first.
     */
    private void setupBeforeFirstStart(String step, Function<ProcessNode.Commands, List<String>> command) {
        ProcessNodes described = processNodes;
        List<String> setup = described == null ? null : command.apply(described.descriptor().commands());
        pendingSetup = setup == null ? null : new Setup(step, setup);
    }

    /**
     * Runs the setup command and records what it did, as Pitstop's own nodes record their install and
     * upgrade: the application keeps no record Pitstop can read, and the upgrade procedure's preflight and
     * rollback need to know which release the database holds. A failed command stays pending.
     */
    private void runSetup(NodeProcess node, ProcessNodes described, Setup setup) {
        String version = described.release().version();
        ProcessNodes.run(setup.step() + " of " + described.release().name() + " " + version + " on " + node.id(),
                described.launch(node.id(), node.url(), setup.command(), Map.of()), node.log());
        if (!installations.installedVersion().orElse("").equals(version)) {
            installations.complete(installations.begin(setup.step(), version, node.id()));
        }
        synchronized (this) {
            if (pendingSetup == setup) {
                pendingSetup = null;
            }
        }
    }

    private static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    @Override
    public void stop(String nodeId) {
        NodeProcess node = node(nodeId);
        if (processNodes != null && node.running()) {
            // Out of the gateway's rotation before it stops answering: it does not say so itself.
            registry.setState(nodeId, NodeState.STOPPED, "stopping");
        }
        try {
            node.stop(stopTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OperationException.failed("interrupted while stopping " + nodeId + "; it may still be running");
        }
    }

    /** Refused while any node runs: a cluster never runs two releases at once. */
    @Override
    public synchronized void useRelease(Release release) {
        List<String> running = nodes.values().stream().filter(NodeProcess::running).map(NodeProcess::id).toList();
        if (!running.isEmpty()) {
            throw OperationException.refused("cannot switch the nodes to release " + release.version() + " while "
                    + String.join(", ", running) + (running.size() == 1 ? " runs" : " run") + "; stop them first");
        }
        configure(release);
        setupBeforeFirstStart(UPGRADE, ProcessNode.Commands::upgrade);
    }

    /**
     * Refused while that node runs. Returns whether every node now runs {@code release} when started,
     * so that the caller can record it as the cluster's.
     */
    public synchronized boolean useReleaseFor(String nodeId, Release release) {
        NodeProcess node = node(nodeId);
        if (node.running()) {
            throw OperationException.refused("cannot switch " + nodeId + " to release " + release.version()
                    + " while it runs; stop it first");
        }
        if (processNodes != null || ProcessNode.of(release).isPresent()) {
            throw OperationException.refused("nodes described as processes switch releases all together;"
                    + " upgrade without --online");
        }
        configure(node, release);
        return nodeReleases.values().stream().allMatch(release.dir()::equals);
    }

    @Override
    public void useRelease(String nodeId, Release release) {
        useReleaseFor(nodeId, release);
    }

    /** Pitstop's own runtime only: a process release's install and upgrade commands run for the whole cluster. */
    @Override
    public boolean runsMixedReleases() {
        return processNodes == null;
    }

    @Override
    public List<NodeStatus> nodes() {
        Map<String, NodeRecord> registered = registry.list().stream()
                .collect(Collectors.toMap(NodeRecord::id, Function.identity()));
        List<NodeStatus> statuses = new ArrayList<>();
        for (NodeProcess node : nodes.values()) {
            NodeRecord record = registered.get(node.id());
            Process process = node.process().filter(Process::isAlive).orElse(null);
            if (process == null && record != null && settingUp(node.id())) {
                statuses.add(new NodeStatus(node.id(), node.url(), record.state(), record.message()));
            } else if (process == null) {
                statuses.add(new NodeStatus(node.id(), node.url(), NodeState.STOPPED, null));
            } else if (record == null) {
                statuses.add(new NodeStatus(node.id(), node.url(), NodeState.STARTING, "not registered yet"));
            } else {
                statuses.add(new NodeStatus(node.id(), node.url(), record.state(), record.message()));
            }
        }
        return statuses;
    }

    @Override
    public void awaitReady(String nodeId, Duration timeout) {
        if (processNodes != null) {
            awaitHealthy(node(nodeId), processNodes, timeout);
            return;
        }
        NodeProcess node = node(nodeId);
        Instant deadline = Instant.now().plus(timeout);
        try {
            while (true) {
                Process process = node.process().orElseThrow(
                        () -> new NodeFailedException(nodeId, nodeId + " was never started", false));
                if (!process.isAlive()) {
                    throw exitedBeforeReady(node, process.exitValue());
                }
                HealthProbe.Answer answer = probe.check(node.url());
                if (answer.ready()) {
                    node.markReady();
                    return;
                }
                if (answer.stuck()) {
                    throw new NodeFailedException(nodeId, nodeId + " reports " + answer.state().label()
                            + (answer.message() == null ? "" : ": " + answer.message()) + "; log: " + node.log(), false);
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new NodeFailedException(nodeId, nodeId + " was not ready within " + timeout.toSeconds()
                            + " s (" + answer.describe() + "); log: " + node.log(), false);
                }
                Thread.sleep(POLL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeFailedException(nodeId, "interrupted while waiting for " + nodeId + " to be ready", false);
        }
    }

    /** A process node is ready when it answers its health endpoint; the driver registers that for it. */
    private void awaitHealthy(NodeProcess node, ProcessNodes described, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        String health = node.url() + described.descriptor().health().ready();
        try {
            while (true) {
                CompletableFuture<Void> setup = setups.get(node.id());
                if (setup != null && setup.isCompletedExceptionally()) {
                    throw new NodeFailedException(node.id(), setup.handle((done, failure) -> cause(failure)).join()
                            .getMessage(), false);
                }
                if (setup != null && !setup.isDone()) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new NodeFailedException(node.id(), node.id() + " was still running its setup command after "
                                + timeout.toSeconds() + " s; log: " + node.log(), false);
                    }
                    Thread.sleep(POLL.toMillis());
                    continue;
                }
                Process process = node.process().orElseThrow(
                        () -> new NodeFailedException(node.id(), node.id() + " was never started", false));
                if (!process.isAlive()) {
                    throw exitedBeforeReady(node, process.exitValue());
                }
                if (described.healthy(node.url())) {
                    registry.setState(node.id(), NodeState.READY, null);
                    node.markReady();
                    return;
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new NodeFailedException(node.id(), node.id() + " did not answer 200 at " + health + " within "
                            + timeout.toSeconds() + " s; log: " + node.log(), false);
                }
                Thread.sleep(POLL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeFailedException(node.id(), "interrupted while waiting for " + node.id() + " to be ready", false);
        }
    }

    /**
     * Pitstop's own nodes heartbeat themselves; a process node cannot, so the driver does while it
     * answers its health endpoint, and {@code status} tells a hung node from a live one.
     */
    private void heartbeatProcessNodes() {
        ProcessNodes described = processNodes;
        if (described == null) {
            return;
        }
        for (NodeProcess node : nodes.values()) {
            try {
                if (!node.running() || !node.hasBeenReady() || node.stopRequested() || !described.healthy(node.url())) {
                    continue;
                }
                if (restarted.remove(node.id())) {
                    registry.setState(node.id(), NodeState.READY, null);
                } else {
                    registry.heartbeat(node.id());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("Could not record the heartbeat of {}: {}", node.id(), e.getMessage());
            }
        }
    }

    private static NodeFailedException exitedBeforeReady(NodeProcess node, int exitCode) {
        List<String> tail = node.logTail(LOG_LINES_ON_FAILURE);
        if (exitCode == CONFIG_ERROR_EXIT && !tail.isEmpty()) {
            return new NodeFailedException(node.id(), node.id() + " rejected its configuration: "
                    + tail.get(tail.size() - 1), true);
        }
        return new NodeFailedException(node.id(), node.id() + " exited with code " + exitCode
                + " before it was ready; last lines of " + node.log() + ":\n    " + String.join("\n    ", tail), false);
    }

    /** Restarts a node that crashed after it had been ready; other exits are someone else's business. */
    private void exited(NodeProcess node, Process process) {
        if (closed || node.stopRequested() || !node.hasBeenReady()) {
            return;
        }
        int exitCode = process.exitValue();
        if (exitCode == CONFIG_ERROR_EXIT) {
            log.error("{} exited because of a configuration error; not restarting it (see {})", node.id(), node.log());
            return;
        }
        Duration delay = node.backoff().next(node.uptime());
        log.warn("{} exited unexpectedly with code {}; restarting it in {} s (log: {})",
                node.id(), exitCode, delay.toSeconds(), node.log());
        recordCrash(node, "exited with code " + exitCode + "; restarting in " + delay.toSeconds() + " s");
        restarts.schedule(() -> restart(node), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Shows the crash in {@code status} until the node registers again: a node that keeps crashing
     * stays {@code failed} through its growing backoff, with what it last logged.
     */
    private void recordCrash(NodeProcess node, String what) {
        try {
            registry.setState(node.id(), NodeState.FAILED, what + "; last lines of " + node.log() + ": "
                    + String.join(" | ", node.logTail(LOG_LINES_IN_STATUS)));
        } catch (RuntimeException e) {
            log.warn("Could not record in the node registry that {} {}: {}", node.id(), what, e.getMessage());
        }
    }

    private void restart(NodeProcess node) {
        if (closed || node.stopRequested()) {
            return;
        }
        try {
            start(node.id());
            if (processNodes != null) {
                restarted.add(node.id());
            }
            log.info("{} restarted", node.id());
        } catch (RuntimeException e) {
            log.error("Restarting {} failed: {}", node.id(), e.getMessage());
        }
    }

    private boolean settingUp(String nodeId) {
        CompletableFuture<Void> setup = setups.get(nodeId);
        return setup != null && !setup.isDone();
    }

    /**
     * Runs the release's plugin command in node {@code nodeId}'s directory and environment, the
     * environment its launch and setup commands get; the node itself is left alone (NocoBase's CLI
     * finds the node's running application through the IPC socket the environment names).
     */
    @Override
    public List<String> run(String nodeId, ProcessNode.PluginCommand change, String plugin) {
        NodeProcess node = node(nodeId);
        ProcessNodes described = processNodes;
        if (described == null) {
            throw OperationException.refused("the cluster's release runs Pitstop's own nodes: their plugins change "
                    + "through the nodes' admin API ('pitstop plugin " + change.label() + "')");
        }
        List<String> command = described.descriptor().commands().of(change);
        if (command == null) {
            throw OperationException.refused(described.release().name() + " " + described.release().version()
                    + " declares no " + change.key() + " command (node.commands." + change.key() + " in release.json)");
        }
        Map<String, String> extra = plugin == null ? Map.of() : Map.of("plugin", plugin);
        return ProcessNodes.runForOutput("the " + change.key() + " command on " + nodeId,
                described.launch(nodeId, node.url(), command, extra), node::logLine, node.log(), OUTPUT_LINES,
                COMMAND_TIMEOUT);
    }

    /** The ids of the nodes, in order. */
    java.util.Set<String> ids() {
        return nodes.keySet();
    }

    private NodeProcess node(String nodeId) {
        NodeProcess node = nodes.get(nodeId);
        if (node == null) {
            throw new IllegalArgumentException("no node '" + nodeId + "'; nodes are " + String.join(", ", nodes.keySet()));
        }
        return node;
    }

    /** Stops every node at once, so stopping the cluster takes one shutdown timeout, not N. */
    @Override
    public void close() {
        closed = true;
        restarts.shutdownNow();
        setupRunner.shutdownNow();
        List<Thread> stops = new ArrayList<>();
        for (String id : nodes.keySet()) {
            Thread thread = new Thread(() -> stop(id), "stop-" + id);
            thread.start();
            stops.add(thread);
        }
        for (Thread thread : stops) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.warn("Interrupted while stopping the nodes; they exit with this process");
                return;
            }
        }
        nodes.values().forEach(NodeProcess::closeLog);
    }
}
