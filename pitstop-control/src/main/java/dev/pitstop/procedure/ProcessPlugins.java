package dev.pitstop.procedure;

import dev.pitstop.control.AdvisoryLock;
import dev.pitstop.control.ApplicationPlugins;
import dev.pitstop.control.AuditLog;
import dev.pitstop.control.Cluster;
import dev.pitstop.control.NodeState;
import dev.pitstop.control.Policy;
import dev.pitstop.control.ProcedureJournal;
import dev.pitstop.control.ProcedureRecord;
import dev.pitstop.db.DbSettings;
import dev.pitstop.driver.NodeDriver;
import dev.pitstop.driver.NodeStatus;
import dev.pitstop.release.ProcessNode;
import dev.pitstop.release.Release;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Plugin management on a cluster whose release runs its nodes as processes (NocoBase): the
 * release's plugin commands, run by the supervisor on one node, under the rules of Pitstop's own
 * plugin changes — the cluster's policy is checked before anything runs, one change at a time
 * (the same cluster-wide lock as the nodes' admin API), and every change, refused ones too, is
 * written to the audit log.
 *
 * <p>Such an application keeps no cluster-wide plugin state its nodes follow (NocoBase without its
 * commercial Redis adapters): the command changes the database and the one application it talks
 * to, and every other node loads the change only when it starts. Inside a maintenance window the
 * other nodes are stopped, and {@code maintenance end} starts them; outside one (where the policy
 * allows it) the other running nodes are restarted here, one at a time, so that the cluster keeps
 * serving meanwhile. The CLI and the web console both change plugins through this class.
 */
public final class ProcessPlugins {

    /** What a plugin name may be: it is passed as one argument, and must not pass for an option. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9@][A-Za-z0-9@/._-]{0,213}");

    private final Release release;
    private final ProcessNode descriptor;
    private final NodeDriver nodes;
    private final ProcessPluginCommands commands;
    private final DbSettings db;
    private final DataSource controlDb;
    private final Operator operator;
    private final PrintStream out;
    private final Duration readyTimeout;

    /**
     * @param release  the release the cluster runs, whose descriptor declares the commands
     * @param commands runs them on a node: the supervisor
     * @param out      where the progress is shown
     */
    public ProcessPlugins(Release release, ProcessNode descriptor, NodeDriver nodes, ProcessPluginCommands commands,
                          DbSettings db, DataSource controlDb, Operator operator, PrintStream out,
                          Duration readyTimeout) {
        this.release = release;
        this.descriptor = descriptor;
        this.nodes = nodes;
        this.commands = commands;
        this.db = db;
        this.controlDb = controlDb;
        this.operator = operator;
        this.out = out;
        this.readyTimeout = readyTimeout;
    }

    /** Whether the release declares where its plugins' state is ({@code node.plugins.query}): a typed list. */
    public boolean listsTyped() {
        return descriptor.plugins() != null;
    }

    /**
     * The plugins, from the release's query.
     *
     * @throws OperationException refused when the release declares no query; failed when it fails
     */
    public List<ApplicationPlugins.Plugin> list() {
        if (!listsTyped()) {
            throw OperationException.refused(release.name() + " " + release.version() + " declares no plugin query "
                    + "(node.plugins.query in release.json), so Pitstop cannot read its plugins' state"
                    + (descriptor.commands().pluginList() == null ? "" : "; 'pitstop plugin list' without --json "
                    + "prints what its pluginList command prints"));
        }
        try {
            return ApplicationPlugins.list(controlDb, descriptor.plugins().query());
        } catch (IllegalStateException e) {
            throw OperationException.failed(e.getMessage());
        }
    }

    /**
     * What the release's {@code pluginList} command prints, run on a node that serves (or the first
     * node): for a release that declares no query. Reading needs no policy and is not audited.
     */
    public List<String> listText() {
        requireCommand(ProcessNode.PluginCommand.LIST);
        String node = serving().orElse(nodes.nodeIds().get(0));
        return commands.run(node, ProcessNode.PluginCommand.LIST, null);
    }

    /**
     * Makes the change: the command on the node that serves, then the other running nodes restarted
     * one at a time (none inside a maintenance window, whose end starts them).
     *
     * @return what was done, for the operator
     * @throws OperationException invalid for a bad plugin name; refused (nothing ran) by the policy,
     *                            another plugin change or procedure, a release without the command,
     *                            or no node ready; failed when the command or a restart fails (the
     *                            message says what had been done by then)
     */
    public String change(ProcessNode.PluginCommand change, String plugin) {
        if (plugin == null || !NAME.matcher(plugin).matches()) {
            throw OperationException.invalid("'" + plugin + "' is not a plugin name: letters, digits and @/._- only, "
                    + "not starting with '-' (see 'pitstop plugin list')");
        }
        String operation = "plugin " + change.label();
        try {
            requireCommand(change);
            Policy policy = new Cluster(controlDb).policy();
            refuseIf(policy.pluginChangeRefusal());
            Optional<ProcedureRecord> open = new ProcedureJournal(controlDb).open();
            if (open.isPresent()) {
                refuseIf("procedure #" + open.get().id() + " (" + open.get().kind() + ") is open, and plugin changes "
                        + "wait for it; " + ProcedureKind.howToFinish(open.get().kind()));
            }
            try (AdvisoryLock held = AdvisoryLock.tryAcquire(db, AdvisoryLock.PLUGIN_CHANGE, "pitstop (" + operation
                    + ")").orElseThrow(() -> OperationException.refused("another plugin change is running; retry "
                    + "when it has finished"))) {
                String done = changeOnNodes(change, plugin, policy.windowOpen());
                audit(operation, plugin, "succeeded", null);
                return done;
            }
        } catch (OperationException e) {
            audit(operation, plugin, e.kind() == OperationException.Kind.REFUSED ? "refused" : "failed", e.getMessage());
            throw e;
        } catch (SQLException e) {
            String message = "cannot reach the cluster's database to take the plugin change lock: " + e.getMessage();
            audit(operation, plugin, "failed", message);
            throw OperationException.failed(message);
        }
    }

    private String changeOnNodes(ProcessNode.PluginCommand change, String plugin, boolean windowOpen) {
        List<NodeStatus> all = nodes.nodes();
        String serving = serving(all).orElseThrow(() -> OperationException.refused("no node is ready to run the "
                + change.key() + " command in; see 'pitstop status' and the nodes' logs; nothing was changed"));
        List<String> others = all.stream().filter(n -> n.state() != NodeState.STOPPED).map(NodeStatus::id)
                .filter(id -> !id.equals(serving)).toList();
        List<String> stopped = all.stream().filter(n -> n.state() == NodeState.STOPPED).map(NodeStatus::id).toList();
        String command = String.join(" ", descriptor.commands().of(change)).replace("${plugin}", plugin);
        out.printf("plugin %s %s: the release's %s command on %s, the node that serves%s%n", change.label(), plugin,
                change.key(), serving, others.isEmpty() ? "" : ", then " + String.join(", ", others)
                        + " restarted one at a time to load the change");
        StepList steps = new StepList(out);
        try {
            steps.run("run on " + serving + ": " + command, () -> commands.run(serving, change, plugin));
        } catch (OperationException e) {
            // The application may have done part of it (NocoBase recovers its own state): say so, claim nothing.
            throw new OperationException(e.kind(), e.getMessage() + "\nno other node was restarted; 'pitstop plugin "
                    + "list' shows the plugins' state now");
        }
        for (String node : others) {
            try {
                steps.run("restart " + node + " to load it: drain and stop, start, wait until ready", () -> {
                    nodes.stop(node);
                    nodes.start(node);
                    nodes.awaitReady(node, readyTimeout);
                });
            } catch (RuntimeException e) {
                throw OperationException.failed(change.key() + " " + plugin + " succeeded on " + serving + ", but "
                        + node + " did not come back after its restart to load it: " + e.getMessage() + "; fix the "
                        + "cause (see 'pitstop status' and " + node + "'s log); " + node + " loads the change when it "
                        + "starts");
            }
        }
        String later = stopped.isEmpty() ? "" : "; " + String.join(", ", stopped) + (stopped.size() == 1 ? " loads"
                : " load") + " it when started" + (windowOpen ? " by 'pitstop maintenance end'" : "");
        return "plugin " + change.label() + " " + plugin + " done on " + serving
                + (others.isEmpty() ? "" : "; " + String.join(", ", others) + " restarted with it") + later;
    }

    private Optional<String> serving() {
        return serving(nodes.nodes());
    }

    private static Optional<String> serving(List<NodeStatus> all) {
        return all.stream().filter(n -> n.state() == NodeState.READY).map(NodeStatus::id).findFirst();
    }

    private void requireCommand(ProcessNode.PluginCommand change) {
        if (descriptor.commands().of(change) == null) {
            throw OperationException.refused(release.name() + " " + release.version() + " declares no "
                    + change.key() + " command (node.commands." + change.key() + " in its release.json), so "
                    + "'pitstop plugin " + change.label() + "' cannot run on this cluster; nothing was changed");
        }
    }

    private static void refuseIf(String refusal) {
        if (refusal != null) {
            throw OperationException.refused(refusal);
        }
    }

    private void audit(String operation, String plugin, String outcome, String message) {
        new AuditLog(controlDb).record(operation, plugin, operator.actor(), operator.origin(), outcome, message);
    }
}
