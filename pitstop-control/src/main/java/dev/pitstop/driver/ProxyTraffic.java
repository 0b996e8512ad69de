package dev.pitstop.driver;

import dev.pitstop.control.Cluster;
import dev.pitstop.control.ClusterMode;
import dev.pitstop.control.NodeRecord;
import dev.pitstop.control.NodeRegistry;
import dev.pitstop.control.NodeState;
import dev.pitstop.procedure.OperationException;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Traffic through an external proxy. The cluster mode in the control schema stays the truth — the
 * nodes serve the status page themselves while it says maintenance, and {@code pitstop status}
 * reads it — and the proxy follows it, so that clients get the status page even while every node
 * is stopped. The mode changes first when the page goes up and last when it comes down: a proxy
 * that fails midway leaves clients on the status page, never on a cluster being changed. The proxy
 * gets the ready nodes no procedure holds out of the rotation (see {@link NodeRegistry#hold}).
 */
public final class ProxyTraffic implements TrafficDriver {

    private final Proxy proxy;
    private final NodeDriver nodes;
    private final Cluster cluster;
    private final NodeRegistry registry;
    private final BuiltInGatewayTraffic clusterMode;

    public ProxyTraffic(Proxy proxy, NodeDriver nodes, Cluster cluster, NodeRegistry registry) {
        this.proxy = proxy;
        this.nodes = nodes;
        this.cluster = cluster;
        this.registry = registry;
        this.clusterMode = new BuiltInGatewayTraffic(cluster);
    }

    @Override
    public void showStatusPage(String pageHtml, int retryAfterSeconds) {
        clusterMode.showStatusPage(pageHtml, retryAfterSeconds);
        proxy.showStatusPage(pageHtml, retryAfterSeconds, readyNodeUrls());
    }

    /** @throws OperationException (failed) when no node is ready: the status page stays up */
    @Override
    public void backToCluster() {
        List<String> ready = readyNodeUrls();
        if (ready.isEmpty()) {
            throw OperationException.failed("no node is ready, so " + proxy + " cannot send clients to the cluster; "
                    + "the status page stays up (see: pitstop status)");
        }
        proxy.route(ready);
        clusterMode.backToCluster();
    }

    @Override
    public boolean statusPageShown() {
        return clusterMode.statusPageShown();
    }

    /**
     * Points the proxy at the nodes in rotation as they are now, in the cluster's current mode:
     * after the nodes were started, since the proxy knows their addresses only from Pitstop, and
     * whenever a procedure takes a node out or puts it back.
     *
     * @throws OperationException (failed) when the cluster serves and no node is in rotation
     */
    @Override
    public void followRotation() {
        ClusterMode mode = cluster.mode();
        if (mode.maintenance()) {
            proxy.showStatusPage(mode.pageHtml(), mode.retryAfterSeconds(), readyNodeUrls());
            return;
        }
        List<String> ready = readyNodeUrls();
        if (ready.isEmpty()) {
            throw OperationException.failed("no node is ready and in rotation, so " + proxy + " keeps its previous "
                    + "nodes (see: pitstop status)");
        }
        proxy.route(ready);
    }

    private List<String> readyNodeUrls() {
        Set<String> held = registry.list().stream().filter(node -> node.held() != null).map(NodeRecord::id)
                .collect(Collectors.toSet());
        return nodes.nodes().stream().filter(node -> node.state() == NodeState.READY && !held.contains(node.id()))
                .map(NodeStatus::url).toList();
    }
}
