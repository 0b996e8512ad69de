package dev.pitstop.supervisor;

import dev.pitstop.driver.NodeDriver;
import dev.pitstop.driver.NodeStatus;
import dev.pitstop.procedure.ProcessPluginCommands;
import dev.pitstop.release.ProcessNode;
import dev.pitstop.release.Release;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The supervisor's nodes as a procedure run inside the supervisor sees them (the console's): as
 * through the control API, a release switch is also written to {@code cluster.json}, where the
 * CLI reads the release the cluster runs.
 */
final class ReleaseFollowingNodes implements NodeDriver, ProcessPluginCommands {

    private final LocalNodeDriver nodes;
    private final Consumer<Release> releaseSwitched;

    ReleaseFollowingNodes(LocalNodeDriver nodes, Consumer<Release> releaseSwitched) {
        this.nodes = nodes;
        this.releaseSwitched = releaseSwitched;
    }

    @Override
    public List<String> nodeIds() {
        return nodes.nodeIds();
    }

    @Override
    public void start(String nodeId) {
        nodes.start(nodeId);
    }

    @Override
    public void stop(String nodeId) {
        nodes.stop(nodeId);
    }

    @Override
    public void useRelease(Release release) {
        nodes.useRelease(release);
        releaseSwitched.accept(release);
    }

    @Override
    public List<NodeStatus> nodes() {
        return nodes.nodes();
    }

    @Override
    public void awaitReady(String nodeId, Duration timeout) {
        nodes.awaitReady(nodeId, timeout);
    }

    @Override
    public List<String> run(String nodeId, ProcessNode.PluginCommand change, String plugin) {
        return nodes.run(nodeId, change, plugin);
    }

    @Override
    public Duration routingDelay() {
        return nodes.routingDelay();
    }
}
