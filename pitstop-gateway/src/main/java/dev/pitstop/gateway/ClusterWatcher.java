package dev.pitstop.gateway;

import dev.pitstop.control.ChangeListener;
import dev.pitstop.control.Cluster;
import dev.pitstop.control.ClusterMode;
import dev.pitstop.control.NodeRecord;
import dev.pitstop.control.NodeRegistry;
import dev.pitstop.control.Tokens;
import dev.pitstop.db.DbSettings;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the gateway's copy of the control schema current: the cluster mode and bypass token on
 * every notification, the node registry on every notification and once a second besides, so that
 * a lost notification cannot keep a node out of (or in) the rotation for long. The registry goes to
 * the rotation and to the WebSocket drain.
 */
final class ClusterWatcher extends AbstractLifeCycle {

    private static final Logger log = LoggerFactory.getLogger(ClusterWatcher.class);
    private static final long NODE_RELOAD_MILLIS = 1000;

    private final Cluster cluster;
    private final NodeRegistry registry;
    private final Rotation rotation;
    private final WebSocketDrain webSockets;
    private final ChangeListener listener;
    private final ScheduledExecutorService scheduler = Daemons.scheduler("gateway-registry");
    private volatile Control control;
    private volatile boolean reloadFailing;

    ClusterWatcher(DataSource controlDb, DbSettings db, Rotation rotation, WebSocketDrain webSockets) {
        this.cluster = new Cluster(controlDb);
        this.registry = new NodeRegistry(controlDb);
        this.rotation = rotation;
        this.webSockets = webSockets;
        this.listener = new ChangeListener(db, "pitstop-gateway", List.of(Cluster.CHANNEL, NodeRegistry.CHANNEL),
                this::onChange);
    }

    /** Reads the control schema once before returning, so the gateway never serves on a guess. */
    @Override
    protected void doStart() {
        reloadControl();
        updateNodes();
        listener.start();
        scheduler.scheduleWithFixedDelay(this::reloadNodes, NODE_RELOAD_MILLIS, NODE_RELOAD_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        scheduler.shutdownNow();
        listener.close();
    }

    ClusterMode mode() {
        return control.mode();
    }

    /** Whether {@code token} is the cluster's bypass token; false when none is set. */
    boolean isBypassToken(String token) {
        return Tokens.matches(token, control.bypassHash());
    }

    private void onChange(String channel) {
        if (Cluster.CHANNEL.equals(channel)) {
            reloadControl();
        } else {
            updateNodes();
        }
    }

    private void updateNodes() {
        List<NodeRecord> nodes = registry.list();
        rotation.update(nodes);
        webSockets.update(nodes);
    }

    private void reloadControl() {
        ClusterMode mode = cluster.mode();
        Control previous = control;
        control = new Control(mode, cluster.tokenHashes().bypass());
        boolean changed = previous == null ? mode.maintenance() : previous.mode().maintenance() != mode.maintenance();
        if (changed) {
            log.info(mode.maintenance() ? "Maintenance mode on: answering 503 with the status page"
                    : "Maintenance mode off: proxying to the nodes again");
        }
    }

    private void reloadNodes() {
        try {
            updateNodes();
            if (reloadFailing) {
                reloadFailing = false;
                log.info("Reading the node registry works again");
            }
        } catch (RuntimeException e) {
            // Once per outage: the last known nodes keep serving meanwhile.
            if (!reloadFailing) {
                reloadFailing = true;
                log.warn("Cannot read the node registry; keeping the last known nodes: {}", e.getMessage());
            }
        }
    }

    /** What maintenance mode needs, replaced as a whole so it is never seen half-updated. */
    private record Control(ClusterMode mode, String bypassHash) {
    }
}
