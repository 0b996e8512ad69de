package dev.pitstop.driver;

import dev.pitstop.control.Cluster;
import dev.pitstop.control.ClusterMode;
import dev.pitstop.control.NodeState;
import dev.pitstop.procedure.OperationException;
import java.util.List;

/**
 * Traffic through an external proxy. The cluster mode in the control schema stays the truth — the
 * nodes serve the status page themselves while it says maintenance, and {@code pitstop status}
 * reads it — and the proxy follows it, so that clients get the status page even while every node
 * is stopped. The mode changes first when the page goes up and last when it comes down: a proxy
 * that fails midway leaves clients on the status page, never on a cluster being changed.
 */
public final class ProxyTraffic implements TrafficDriver {

    private final Proxy proxy;
    private final NodeDriver nodes;
    private final Cluster cluster;
    private final BuiltInGatewayTraffic clusterMode;

    public ProxyTraffic(Proxy proxy, NodeDriver nodes, Cluster cluster) {
        this.proxy = proxy;
        this.nodes = nodes;
        this.cluster = cluster;
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
     * Points the proxy at the nodes as they are now, in the cluster's current mode: after the nodes
     * were started, since the proxy knows their addresses only from Pitstop.
     */
    public void follow() {
        ClusterMode mode = cluster.mode();
        if (mode.maintenance()) {
            proxy.showStatusPage(mode.pageHtml(), mode.retryAfterSeconds(), readyNodeUrls());
        } else {
            backToCluster();
        }
    }

    private List<String> readyNodeUrls() {
        return nodes.nodes().stream().filter(node -> node.state() == NodeState.READY).map(NodeStatus::url).toList();
    }
}
