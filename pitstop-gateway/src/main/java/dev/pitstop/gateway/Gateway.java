package dev.pitstop.gateway;

import dev.pitstop.control.ApiTokens;
import dev.pitstop.db.DbSettings;
import dev.pitstop.http.Connectors;
import dev.pitstop.http.JsonErrorHandler;
import dev.pitstop.metrics.Metrics;
import dev.pitstop.metrics.MetricsEndpoint;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded load balancer in front of the cluster's nodes: proxies to the registered nodes
 * whose {@code /health/ready} answers 200, round robin, retrying idempotent requests on another
 * node when one fails; in maintenance mode answers 503 with the status page unless the request
 * carries the bypass token.
 *
 * <pre>{@code
 * try (Gateway gateway = Gateway.start(GatewayConfig.defaults(), controlDb, dbSettings)) {
 *     ...
 * }
 * }</pre>
 */
public final class Gateway implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    /** Where the console is served, under the gateway's own address. */
    public static final String CONSOLE_PATH = "/.pitstop";

    private final Server server;
    private final Rotation rotation;

    private Gateway(Server server, Rotation rotation) {
        this.server = server;
        this.rotation = rotation;
    }

    /**
     * Reads the control schema, starts health-checking the registered nodes and opens the port.
     * Nodes join the rotation as their first health check passes.
     *
     * @param controlDb a pool on the database holding the control schema
     * @param db        the same database, for the connection that listens for changes
     * @throws IllegalStateException when the port cannot be opened or the control schema not read
     */
    public static Gateway start(GatewayConfig config, DataSource controlDb, DbSettings db) {
        return start(config, controlDb, db, Metrics.registry(), null);
    }

    /**
     * The same, with the gateway's metrics in {@code metrics}, which {@code GET /metrics} exposes to a
     * request with a token of the cluster's (any role), so that the process can add its own; and serving
     * {@code console} at {@link #CONSOLE_PATH}: in front of the maintenance mode, so that it answers while
     * the status page is up and every node is stopped, and never proxied.
     *
     * @param console answers every request under {@link #CONSOLE_PATH} (it must not decline one), or null for none
     */
    public static Gateway start(GatewayConfig config, DataSource controlDb, DbSettings db,
                                PrometheusMeterRegistry metrics, Handler console) {
        Rotation rotation = new Rotation();
        GatewayMetrics gatewayMetrics = new GatewayMetrics(metrics, rotation);
        ApiTokens tokens = new ApiTokens(controlDb);
        WebSocketDrain webSocketDrain = new WebSocketDrain(config.drainTimeout());
        ClusterWatcher cluster = new ClusterWatcher(controlDb, db, rotation, webSocketDrain);
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("gateway");
        Server server = new Server(threads);
        ServerConnector connector = Connectors.create(server, config.host(), config.port(), config.tls(),
                Http2.OVER_TLS);
        if (config.h2c()) {
            Http2.addCleartext(connector);
        }
        server.addConnector(connector);
        // Beans start in this order before the connector opens, and stop after requests drained.
        server.addBean(cluster);
        server.addBean(new HealthChecker(rotation, config, gatewayMetrics));
        server.addBean(webSocketDrain);
        // Outside in: drain on stop, TLS guard, request metrics; then the gateway's own pages (each on the
        // server's pool, see Offloaded) or the traffic: maintenance page, WebSocket upgrades, the HTTP proxy.
        // The proxy declares itself non-blocking, so Jetty runs requests on the thread that read them.
        List<Handler> handlers = new ArrayList<>();
        handlers.add(new Offloaded(MetricsEndpoint.PATH::equals,
                new MetricsEndpoint(metrics, token -> tokens.authenticate(token).isPresent(), null)));
        if (console != null) {
            handlers.add(new Offloaded(Offloaded.under(CONSOLE_PATH), new ContextHandler(console, CONSOLE_PATH)));
        }
        handlers.add(new MaintenanceHandler(cluster, gatewayMetrics, new WebSocketProxy(server, rotation,
                webSocketDrain, config, new NodeProxy(rotation, config, gatewayMetrics))));
        server.setHandler(new GracefulHandler(Connectors.guard(
                gatewayMetrics.timed(new Handler.Sequence(handlers)), config.tls())));
        server.setErrorHandler(new JsonErrorHandler("gateway"));
        if (config.accessLog() != null) {
            server.setRequestLog(AccessLog.create(config.accessLog()));
        }
        server.setStopTimeout(config.stopTimeout().toMillis());
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the gateway on " + config.host() + ":" + config.port()
                    + ": " + e.getMessage(), e);
        }
        Gateway gateway = new Gateway(server, rotation);
        log.info("Gateway listening on {}://{}:{}", config.tls() == null ? "http" : "https", config.host(), gateway.port());
        return gateway;
    }

    /** The port the gateway listens on: the free one it picked if configured with port 0. */
    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** Ids of the nodes that take traffic now. */
    public List<String> nodesInRotation() {
        return rotation.readyIds();
    }

    /**
     * Stops accepting requests, lets those in flight finish (up to the configured stop timeout),
     * then stops health checks and the watch on the control schema.
     */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("Stopping the gateway did not finish cleanly: {}", e.toString());
        }
    }
}
