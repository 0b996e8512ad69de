package dev.pitstop.gateway;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Asks every node's {@code /health/ready} on a fixed interval; only nodes answering 200 stay in rotation. */
final class HealthChecker extends ContainerLifeCycle {

    private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

    private final Rotation rotation;
    private final GatewayMetrics metrics;
    private final long intervalMillis;
    private final long timeoutMillis;
    private final HttpClient client = new HttpClient();
    private final ScheduledExecutorService scheduler = Daemons.scheduler("gateway-health");

    HealthChecker(Rotation rotation, GatewayConfig config, GatewayMetrics metrics) {
        this.rotation = rotation;
        this.metrics = metrics;
        this.intervalMillis = config.healthInterval().toMillis();
        this.timeoutMillis = config.nodeTimeout().toMillis();
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("gateway-health-client");
        client.setExecutor(threads);
        client.setConnectTimeout(timeoutMillis);
        client.setFollowRedirects(false);
        addBean(client);
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        scheduler.scheduleWithFixedDelay(this::checkAll, 0, intervalMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() throws Exception {
        scheduler.shutdownNow();
        super.doStop();
    }

    private void checkAll() {
        // An exception escaping here would silently cancel every future round.
        try {
            rotation.backends().forEach(this::check);
        } catch (RuntimeException e) {
            log.warn("Health check round failed: {}", e.toString());
        }
    }

    private void check(Backend backend) {
        if (!backend.startCheck()) {
            return;
        }
        client.newRequest(backend.healthUrl())
                .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .send(result -> {
                    backend.endCheck();
                    if (result.isSucceeded() && result.getResponse().getStatus() == HttpStatus.OK_200) {
                        rotation.markReady(backend);
                    } else {
                        metrics.healthCheckFailed(backend);
                        rotation.markDown(backend, reason(result));
                    }
                });
    }

    private static String reason(Result result) {
        return result.isFailed()
                ? "health check failed: " + result.getFailure()
                : "health check answered " + result.getResponse().getStatus();
    }
}
