package dev.pitstop.cli;

import dev.pitstop.driver.NodeDriver;
import dev.pitstop.driver.NodeFailedException;
import dev.pitstop.driver.ProxyTraffic;
import dev.pitstop.home.ClusterConfig;
import dev.pitstop.home.ClusterFile;
import dev.pitstop.home.ControlSetup;
import dev.pitstop.home.Home;
import dev.pitstop.home.KubernetesSettings;
import dev.pitstop.procedure.FirstStart;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.procedure.StepList;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * {@code pitstop up} and {@code down} for {@code nodes: kubernetes}. No local process runs the
 * cluster: its Deployment does. {@code up} is the first-start procedure through the API server (the
 * Deployment is scaled to one node, then to its full size), after writing the tokens and the policy
 * into the cluster; {@code down} scales it to zero. Both return when Kubernetes reports it done, and
 * keep the home's {@code cluster.json} up to date for scripts, though the CLI itself reads pitstop.yml.
 */
final class KubernetesCluster {

    private final Home home;
    private final ClusterConfig config;
    private final RunningCluster cluster;
    private final Drivers drivers;
    private final StepList steps;
    private final PrintStream out;

    KubernetesCluster(Pitstop pitstop, PrintStream out) {
        this.home = pitstop.home();
        this.config = pitstop.config();
        this.cluster = RunningCluster.open(pitstop);
        this.drivers = new Drivers(config, cluster);
        this.steps = new StepList(out);
        this.out = out;
    }

    void start(Duration readyTimeout) {
        NodeDriver nodes = drivers.nodes();
        List<String> ids = nodes.nodeIds();
        out.printf("Starting %d node%s of %s on Kubernetes%n", ids.size(), ids.size() == 1 ? "" : "s",
                config.kubernetes().deployment());
        steps.run("migrate the control schema, install the tokens and the policy",
                () -> ControlSetup.prepare(cluster.controlDb(), home, config, ids.size()));
        try {
            new FirstStart(nodes, steps, readyTimeout).run();
        } catch (NodeFailedException e) {
            throw OperationException.failed("first start failed; the pods started are left as they are for you "
                    + "to look at (stop them with: pitstop down): " + e.getMessage());
        }
        if (drivers.traffic() instanceof ProxyTraffic proxy) {
            steps.run("send clients to the nodes (traffic: " + config.traffic() + ")", proxy::followRotation);
        }
        clusterFile(ids).write(home);
        out.printf("Cluster ready at %s (admin token in %s)%n", cluster.gateway(), home.adminTokenFile());
    }

    /** Stops the last node first, so that the first one, which starts first, is the last to go. */
    void stop() {
        NodeDriver nodes = drivers.nodes();
        List<String> ids = nodes.nodeIds();
        for (int i = ids.size() - 1; i >= 0; i--) {
            String id = ids.get(i);
            steps.run("stop " + id + " (it drains first)", () -> nodes.stop(id));
        }
        ClusterFile.read(home).ifPresent(file -> file.stopped().write(home));
        out.printf("Stopped deployment %s; the database and the storage are kept for the next up%n",
                config.kubernetes().deployment());
    }

    /**
     * What scripts read from any home: where the cluster is, its admin API and tokens. No process
     * of this home runs the cluster, so there is no pid and no control API.
     */
    private ClusterFile clusterFile(List<String> ids) {
        KubernetesSettings.Database db = config.kubernetes().database();
        return new ClusterFile(cluster.gateway(), cluster.admin(), null, home.adminTokenFile().toString(),
                home.bypassTokenFile().toString(), new ClusterFile.Db(db.url(), db.user(), db.passwordFile(), false),
                null, ClusterFile.RUNNING, cluster.release().toString(), ids);
    }
}
