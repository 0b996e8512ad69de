package dev.pitstop.cli;

import dev.pitstop.control.Cluster;
import dev.pitstop.driver.BuiltInGatewayTraffic;
import dev.pitstop.driver.NodeDriver;
import dev.pitstop.driver.Proxies;
import dev.pitstop.driver.ProxyTraffic;
import dev.pitstop.driver.TrafficDriver;
import dev.pitstop.home.ClusterConfig;

/** The drivers {@code pitstop.yml} chooses ({@code nodes:}, {@code traffic:}) for the cluster running in a home. */
final class Drivers {

    private final ClusterConfig config;
    private final RunningCluster cluster;
    private NodeDriver nodes;

    Drivers(ClusterConfig config, RunningCluster cluster) {
        this.config = config;
        this.cluster = cluster;
    }

    NodeDriver nodes() {
        if (nodes == null) {
            nodes = cluster.nodes();
        }
        return nodes;
    }

    TrafficDriver traffic() {
        Cluster control = new Cluster(cluster.controlDb());
        return Proxies.of(config).<TrafficDriver>map(proxy -> new ProxyTraffic(proxy, nodes(), control))
                .orElseGet(() -> new BuiltInGatewayTraffic(control));
    }
}
