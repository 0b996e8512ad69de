package dev.pitstop.gateway;

import dev.pitstop.metrics.RequestTimer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.eclipse.jetty.server.Handler;

/**
 * The gateway's metrics. What a request costs is one timer update (and a counter for a retry, the
 * status page or a bypass); the rotation's gauges are read only when scraped.
 */
final class GatewayMetrics {

    /** The backend label of a request the gateway answered itself: status page, no node ready, metrics. */
    static final String ANSWERED_BY_GATEWAY = "gateway";

    private final MeterRegistry registry;
    private final Counter retries;
    private final Counter statusPage;
    private final Counter bypass;

    GatewayMetrics(MeterRegistry registry, Rotation rotation) {
        this.registry = registry;
        retries = Counter.builder("pitstop.gateway.retries")
                .description("Idempotent requests sent to another node after the one they were sent to failed")
                .register(registry);
        statusPage = Counter.builder("pitstop.gateway.status.page")
                .description("Requests answered with the maintenance status page (503)").register(registry);
        bypass = Counter.builder("pitstop.gateway.bypass.requests")
                .description("Requests let through maintenance by the bypass token").register(registry);
        Gauge.builder("pitstop.gateway.backends.in.rotation", rotation::readyCount)
                .description("Nodes taking traffic").register(registry);
        Gauge.builder("pitstop.gateway.backends", () -> rotation.backends().size())
                .description("Nodes registered and not stopped, in rotation or not").register(registry);
    }

    /** {@code handler} with its requests timed by the node that answered and the status. */
    Handler timed(Handler handler) {
        return new RequestTimer(registry, "pitstop.gateway.requests", "Requests the gateway answered",
                (request, status) -> {
                    String backend = NodeProxy.backendId(request);
                    return Tags.of("backend", backend == null ? ANSWERED_BY_GATEWAY : backend,
                            "status", Integer.toString(status));
                }, handler);
    }

    void retried() {
        retries.increment();
    }

    void statusPageServed() {
        statusPage.increment();
    }

    void bypassed() {
        bypass.increment();
    }

    void healthCheckFailed(Backend backend) {
        Counter.builder("pitstop.gateway.health.check.failures")
                .description("Health checks of a node that failed or did not answer 200")
                .tag("backend", backend.id()).register(registry).increment();
    }
}
