package dev.pitstop.procedure;

import dev.pitstop.control.Cluster;
import dev.pitstop.control.NodeState;
import dev.pitstop.control.ProcedureJournal;
import dev.pitstop.control.ProcedureState;
import dev.pitstop.driver.NodeDriver;
import dev.pitstop.driver.NodeStatus;
import dev.pitstop.driver.TrafficDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The in-app maintenance window of the operations guide: scale the cluster down to one node and
 * stop the others; do the operation (plugin changes, which a {@code window-only} policy allows only
 * now); after verification start the other nodes and restore the cluster. {@link #begin} and
 * {@link #end} build the two procedures, each journaled and resumable on its own.
 */
public final class MaintenanceWindow {

    /** What the status page tells clients to wait before retrying, while this window puts it up. */
    static final int RETRY_AFTER_SECONDS = 30;

    private final NodeDriver nodes;
    private final TrafficDriver traffic;
    private final Cluster cluster;
    private final ProcedureJournal journal;
    private final Verification verification;
    private final Duration readyTimeout;

    public MaintenanceWindow(NodeDriver nodes, TrafficDriver traffic, Cluster cluster, ProcedureJournal journal,
                             Verification verification, Duration readyTimeout) {
        this.nodes = nodes;
        this.traffic = traffic;
        this.cluster = cluster;
        this.journal = journal;
        this.verification = verification;
        this.readyTimeout = readyTimeout;
    }

    /**
     * A new window: the first ready node stays, the others stop.
     *
     * @param page whether to put the status page up first, so clients wait instead of reaching the one node
     */
    public Procedure begin(boolean page) {
        return begin(beginning(page));
    }

    /** What a window begun now would be started with: for a procedure that opens one for its own work. */
    public BeginParams beginning(boolean page) {
        List<NodeStatus> all = nodes.nodes();
        String keep = all.stream().filter(n -> n.state() == NodeState.READY).map(NodeStatus::id).findFirst().orElse("");
        List<String> stop = all.stream().map(NodeStatus::id).filter(id -> !id.equals(keep)).toList();
        return new BeginParams(page, keep, stop);
    }

    /** The window begun with {@code params}. */
    public Procedure begin(BeginParams params) {
        return new Begin(params);
    }

    /** The open beginning of a window, rebuilt from the journal. */
    public Resumable<BeginParams> resumableBegin() {
        return new Resumable<>(BeginParams.class, Begin::new);
    }

    /** The open end of a window, rebuilt from the journal. */
    public Resumable<EndParams> resumableEnd() {
        return new Resumable<>(EndParams.class, End::new);
    }

    /**
     * What a window's beginning is started with.
     *
     * @param page whether it puts the status page up first (and its end takes it down)
     * @param keep the node that serves alone during the window; empty when none is ready
     * @param stop the nodes it stops
     */
    public record BeginParams(boolean page, String keep, List<String> stop) {
    }

    /**
     * What a window's end is started with.
     *
     * @param page   whether it takes the status page down (the beginning put it up)
     * @param verify the nodes that ran during the window, verified before the others start
     * @param start  the nodes it starts again
     */
    public record EndParams(boolean page, List<String> verify, List<String> start) {
    }

    /**
     * The end of the open window: verify the nodes that served it, start the others, and take the
     * status page down if the window put it up.
     */
    public Procedure end() {
        boolean pageWasPutUp = journal.last(ProcedureKind.MAINTENANCE_BEGIN.label(), ProcedureState.SUCCEEDED)
                .map(begin -> begin.params(BeginParams.class).page()).orElse(false);
        List<NodeStatus> all = nodes.nodes();
        List<String> running = all.stream().filter(n -> n.state() != NodeState.STOPPED).map(NodeStatus::id).toList();
        List<String> stopped = all.stream().filter(n -> n.state() == NodeState.STOPPED).map(NodeStatus::id).toList();
        return end(new EndParams(pageWasPutUp, running, stopped));
    }

    /**
     * The end of the window begun with {@code beginParams}: for a procedure that opens a window
     * for its own work and closes it again, verifying the node that served and restarting the others.
     */
    public Procedure endOf(BeginParams begun) {
        return end(new EndParams(begun.page(), begun.keep().isEmpty() ? List.of() : List.of(begun.keep()), begun.stop()));
    }

    private Procedure end(EndParams params) {
        return new End(params);
    }

    /** The nodes that run now (serve, or start): those a window keeps. */
    public List<String> running() {
        return nodes.nodes().stream().filter(n -> n.state() != NodeState.STOPPED).map(NodeStatus::id).toList();
    }

    /**
     * A step that stops the nodes {@code ids}, starts them again and waits until they are ready: for
     * an application that reads its configuration from the database only as it starts (NocoBase
     * loads its collections, fields and roles once), after a procedure changed that configuration.
     * Run again after an interruption, it stops what still runs and starts them all.
     */
    public ProcedureStep restartInPlace(List<String> ids, String why) {
        return ProcedureStep.of("restart " + Nodes.names(ids) + " " + why, () -> {
            Nodes.stopAll(nodes, ids);
            Nodes.startAndAwaitReady(nodes, ids, readyTimeout);
        });
    }

    private final class Begin implements Procedure {

        private final BeginParams params;
        private final boolean page;
        private final String keep;
        private final List<String> stop;

        Begin(BeginParams params) {
            this.params = params;
            this.page = params.page();
            this.keep = params.keep();
            this.stop = List.copyOf(params.stop());
        }

        @Override
        public ProcedureKind kind() {
            return ProcedureKind.MAINTENANCE_BEGIN;
        }

        @Override
        public String target() {
            return "cluster";
        }

        @Override
        public BeginParams params() {
            return params;
        }

        @Override
        public void preflight() {
            if (cluster.policy().windowOpen()) {
                throw OperationException.refused("a maintenance window is already open; end it with "
                        + "'pitstop maintenance end' (see: pitstop maintenance status)");
            }
            if (keep.isEmpty()) {
                throw OperationException.refused("no node is ready to serve alone during the window, so none can be "
                        + "kept; see 'pitstop status' and the nodes' logs; nothing was changed");
            }
        }

        @Override
        public List<ProcedureStep> steps() {
            List<ProcedureStep> steps = new ArrayList<>();
            if (page) {
                steps.add(pageUp());
            }
            steps.add(ProcedureStep.of("open the maintenance window", () -> cluster.setWindowOpen(true)));
            if (!stop.isEmpty()) {
                steps.add(ProcedureStep.of("drain and stop " + Nodes.names(stop) + " (" + keep + " serves alone)",
                        () -> Nodes.stopAll(nodes, stop)));
            }
            return steps;
        }

        /** Whatever ran, the undo is the same: everything back as it was, which is idempotent. */
        @Override
        public List<ProcedureStep> rollbackSteps(int completedSteps) {
            List<ProcedureStep> undo = new ArrayList<>(restart(stop));
            if (page && completedSteps > 0) {
                undo.add(pageDown());
            }
            undo.add(closeWindow());
            return undo;
        }

        @Override
        public String succeeded() {
            return "maintenance window open: " + keep + " serves alone" + (page
                    ? " behind the status page (operators pass it with the header " + Verification.BYPASS_HEADER
                    + " and the bypass token)" : "") + "; plugin changes are allowed now; end it with "
                    + "'pitstop maintenance end'";
        }

        @Override
        public String rolledBack() {
            return "the maintenance window was undone: every node runs again and the window is closed";
        }
    }

    private final class End implements Procedure {

        private final EndParams params;
        private final boolean page;
        private final List<String> verify;
        private final List<String> start;

        End(EndParams params) {
            this.params = params;
            this.page = params.page();
            this.verify = List.copyOf(params.verify());
            this.start = List.copyOf(params.start());
        }

        @Override
        public ProcedureKind kind() {
            return ProcedureKind.MAINTENANCE_END;
        }

        @Override
        public String target() {
            return "cluster";
        }

        @Override
        public EndParams params() {
            return params;
        }

        @Override
        public void preflight() {
            if (!cluster.policy().windowOpen()) {
                throw OperationException.refused("no maintenance window is open; begin one with "
                        + "'pitstop maintenance begin'");
            }
            if (verify.isEmpty()) {
                throw OperationException.refused("no node runs, so none can be verified; see 'pitstop status' and "
                        + "the nodes' logs; the window stays open");
            }
        }

        @Override
        public List<ProcedureStep> steps() {
            List<ProcedureStep> steps = new ArrayList<>();
            steps.add(ProcedureStep.of("verify " + Nodes.names(verify) + ": " + verification.describe(),
                    this::verifyServing));
            // Traffic back as soon as the verified node serves: the others join as they become ready,
            // since the gateway and the drivers route to ready nodes only.
            if (page) {
                steps.add(pageDown());
            }
            steps.addAll(restart(start));
            steps.add(closeWindow());
            return steps;
        }

        private void verifyServing() {
            for (NodeStatus node : nodes.nodes()) {
                if (verify.contains(node.id())) {
                    verification.verify(node);
                }
            }
        }

        @Override
        public String succeeded() {
            return "maintenance window closed: every node serves" + (page ? " and the status page is down" : "");
        }
    }

    /** Starts the nodes and waits until all are ready: none when {@code ids} is empty. */
    private List<ProcedureStep> restart(List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        String names = Nodes.names(ids);
        return List.of(
                ProcedureStep.of("start " + names, () -> ids.forEach(nodes::start)),
                ProcedureStep.of("wait until " + names + (ids.size() == 1 ? " is" : " are") + " ready",
                        () -> Nodes.awaitAllReady(nodes, ids, readyTimeout)));
    }

    private ProcedureStep pageUp() {
        return ProcedureStep.of("put the status page up (operators pass with the bypass token)",
                () -> traffic.showStatusPage(null, RETRY_AFTER_SECONDS));
    }

    private ProcedureStep pageDown() {
        return ProcedureStep.of("take the status page down", traffic::backToCluster);
    }

    private ProcedureStep closeWindow() {
        return ProcedureStep.of("close the maintenance window", () -> cluster.setWindowOpen(false));
    }
}
