package dev.pitstop.cli;

import dev.pitstop.control.Cluster;
import dev.pitstop.control.Installations;
import dev.pitstop.control.NodeRegistry;
import dev.pitstop.driver.BuiltInGatewayTraffic;
import dev.pitstop.driver.NodeDriver;
import dev.pitstop.driver.Proxies;
import dev.pitstop.driver.Proxy;
import dev.pitstop.driver.ProxyTraffic;
import dev.pitstop.driver.TrafficDriver;
import dev.pitstop.driver.kubernetes.KubernetesNodeDriver;
import dev.pitstop.driver.kubernetes.KubernetesService;
import dev.pitstop.home.ClusterConfig;
import dev.pitstop.procedure.ClusterProcedures;
import dev.pitstop.supervisor.SupervisorNodeDriver;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The drivers {@code pitstop.yml} chooses ({@code nodes:}, {@code traffic:}) for a running cluster,
 * each made when first asked for (the console of {@code pitstop gateway} asks from several threads).
 * The Kubernetes client is configured the standard way: the pod's service account inside the
 * cluster, else {@code KUBECONFIG} or {@code ~/.kube/config}.
 */
final class Drivers implements ClusterProcedures.Access {

    private final ClusterConfig config;
    private final RunningCluster cluster;
    private NodeDriver nodes;
    private KubernetesClient kubernetes;

    Drivers(ClusterConfig config, RunningCluster cluster) {
        this.config = config;
        this.cluster = cluster;
    }

    @Override
    public synchronized NodeDriver nodes() {
        if (nodes == null) {
            nodes = config.nodes().equals(ClusterConfig.NODES_KUBERNETES)
                    ? new KubernetesNodeDriver(kubernetes(), config.kubernetes(),
                            new Installations(cluster.controlDb()))
                    : new SupervisorNodeDriver(cluster.control(), cluster.adminToken());
        }
        return nodes;
    }

    @Override
    public TrafficDriver traffic() {
        Cluster control = new Cluster(cluster.controlDb());
        return proxy().<TrafficDriver>map(proxy -> new ProxyTraffic(proxy, nodes(), control,
                        new NodeRegistry(cluster.controlDb())))
                .orElseGet(() -> new BuiltInGatewayTraffic(control));
    }

    @Override
    public String bypassToken() {
        return cluster.bypassToken();
    }

    @Override
    public Path release() {
        return cluster.release();
    }

    private Optional<Proxy> proxy() {
        if (config.traffic().equals(ClusterConfig.TRAFFIC_KUBERNETES)) {
            return Optional.of(new KubernetesService(kubernetes(), config.kubernetes()));
        }
        return Proxies.of(config);
    }

    private synchronized KubernetesClient kubernetes() {
        if (kubernetes == null) {
            kubernetes = new KubernetesClientBuilder().build();
        }
        return kubernetes;
    }
}
