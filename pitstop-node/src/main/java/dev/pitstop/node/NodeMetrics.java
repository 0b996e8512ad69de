package dev.pitstop.node;

import dev.pitstop.backup.BackupScheduler;
import dev.pitstop.control.NodeState;
import dev.pitstop.metrics.RequestTimer;
import dev.pitstop.node.http.NodeHandler;
import dev.pitstop.node.http.NodeView;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Instant;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;

/**
 * The node's own metrics, beside the JVM's and the connection pool's: its requests by route, its
 * state and release, its plugins, its scheduled backups. Read when scraped, from what the node
 * holds in memory: a scrape never queries the database.
 */
final class NodeMetrics {

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final Set<String> FIXED_ROUTES = Set.of("/health/live", "/health/ready", "/api/info", "/metrics");
    private static final Set<String> ADMIN_SECTIONS = Set.of("node", "plugins", "backups", "tokens");
    /** The route label of a request no route answered: the status page, 404, a node not ready. */
    private static final String NO_ROUTE = "none";

    private final MeterRegistry registry;
    private final Counter pluginChanges;

    /** @param backups the scheduled backups' outcomes, or null while the node schedules none */
    NodeMetrics(MeterRegistry registry, NodeView node, Supplier<BackupScheduler.Stats> backups) {
        this.registry = registry;
        // The node's id is the scrape target's label (node), set by service discovery: repeating it
        // here would clash with it.
        Gauge.builder("pitstop.node.info", () -> 1)
                .description("Always 1; the release the node runs is its label")
                .tags("release", node.version()).register(registry);
        for (NodeState state : NodeState.values()) {
            Gauge.builder("pitstop.node.state", () -> node.state() == state ? 1 : 0)
                    .description("1 for the state the node is in, 0 for the others")
                    .tag("state", state.label()).register(registry);
        }
        Gauge.builder("pitstop.node.plugins.loaded", () -> node.plugins().stream().filter(p -> p.enabled()).count())
                .description("Plugins running on this node").register(registry);
        pluginChanges = Counter.builder("pitstop.node.plugin.changes")
                .description("Plugins loaded, started, stopped or unloaded on this node to follow the database")
                .register(registry);
        backupGauge("pitstop.backup.scheduled.last.success.timestamp", "seconds",
                "When the last scheduled backup this node made was written (Unix time)", backups,
                stats -> seconds(stats.lastSuccess()));
        backupGauge("pitstop.backup.scheduled.last.duration", "seconds",
                "How long the last scheduled backup this node made took", backups,
                stats -> stats.lastElapsed() == null ? Double.NaN : stats.lastElapsed().toMillis() / 1000.0);
        backupGauge("pitstop.backup.scheduled.last.size", "bytes",
                "The size of the last scheduled backup this node made", backups,
                stats -> stats.lastSuccess() == null ? Double.NaN : stats.lastSize());
        FunctionCounter.builder("pitstop.backup.scheduled.failures", backups,
                        b -> b.get() == null ? 0 : b.get().failures())
                .description("Scheduled backups this node failed to make").register(registry);
    }

    void pluginChangesApplied(int changes) {
        pluginChanges.increment(changes);
    }

    /** {@code handler} with its requests timed by route template, method and status. */
    Handler timed(Handler handler) {
        return new RequestTimer(registry, "pitstop.http.requests", "Requests this node answered",
                (request, status) -> Tags.of("route", route(request), "method", method(request),
                        "status", Integer.toString(status)), handler);
    }

    private static String route(Request request) {
        Object template = request.getAttribute(NodeHandler.ROUTE_ATTRIBUTE);
        if (template != null) {
            return template.toString();
        }
        String path = Request.getPathInContext(request);
        if (FIXED_ROUTES.contains(path)) {
            return path;
        }
        if (path.startsWith("/admin/")) {
            String section = path.substring("/admin/".length()).split("/", 2)[0];
            return ADMIN_SECTIONS.contains(section) ? "/admin/" + section : NO_ROUTE;
        }
        return NO_ROUTE;
    }

    /** Methods outside the standard set share one label, so that a client cannot make new series. */
    private static String method(Request request) {
        String method = request.getMethod();
        return METHODS.contains(method) ? method : "OTHER";
    }

    private void backupGauge(String name, String unit, String description, Supplier<BackupScheduler.Stats> backups,
                             Function<BackupScheduler.Stats, Double> value) {
        Gauge.builder(name, () -> {
                    BackupScheduler.Stats stats = backups.get();
                    return stats == null ? Double.NaN : value.apply(stats);
                })
                .baseUnit(unit).description(description).register(registry);
    }

    private static double seconds(Instant instant) {
        return instant == null ? Double.NaN : instant.toEpochMilli() / 1000.0;
    }
}
