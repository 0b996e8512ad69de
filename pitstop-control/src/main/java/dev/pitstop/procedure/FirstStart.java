package dev.pitstop.procedure;

import dev.pitstop.driver.NodeDriver;
import dev.pitstop.driver.NodeFailedException;
import java.time.Duration;
import java.util.List;

/**
 * The first-start procedure of the operations guide: start one node; wait until its plugins are
 * installed and activated (it reports ready only then); only then start the other nodes. Starting
 * them together would have every node race to install the same plugins.
 */
public final class FirstStart {

    private final NodeDriver nodes;
    private final StepList steps;
    private final Duration readyTimeout;

    public FirstStart(NodeDriver nodes, StepList steps, Duration readyTimeout) {
        this.nodes = nodes;
        this.steps = steps;
        this.readyTimeout = readyTimeout;
    }

    /**
     * Runs the procedure; returns when every node is ready.
     *
     * @throws NodeFailedException for the first node that did not become ready (nodes already
     *                             started are left running: the caller decides what to stop)
     */
    public void run() {
        List<String> ids = nodes.nodeIds();
        String first = ids.get(0);
        List<String> others = ids.subList(1, ids.size());
        steps.run("start " + first, () -> nodes.start(first));
        steps.run("wait until " + first + " has installed and activated the plugins and is ready",
                () -> nodes.awaitReady(first, readyTimeout));
        if (others.isEmpty()) {
            return;
        }
        String names = Nodes.names(others);
        steps.run("start " + names, () -> others.forEach(nodes::start));
        steps.run("wait until " + names + (others.size() == 1 ? " is" : " are") + " ready",
                () -> Nodes.awaitAllReady(nodes, others, readyTimeout));
    }
}
