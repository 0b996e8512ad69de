package dev.pitstop.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Times every request the wrapped handler answers, into a timer with a latency histogram whose
 * labels the caller derives from the request and its status. Labels must come from a bounded set
 * (route templates, backend ids), never from the raw path, or the series would grow without end.
 */
public final class RequestTimer extends Handler.Wrapper {

    /** The labels of one answered request. */
    @FunctionalInterface
    public interface Labels {
        Tags of(Request request, int status);
    }

    private final MeterRegistry registry;
    private final String name;
    private final String description;
    private final Labels labels;
    /** Timers already registered, so that a request costs a map lookup rather than a registration. */
    private final Map<Tags, Timer> timers = new ConcurrentHashMap<>();

    public RequestTimer(MeterRegistry registry, String name, String description, Labels labels, Handler next) {
        super(next);
        this.registry = registry;
        this.name = name;
        this.description = description;
        this.labels = labels;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long start = System.nanoTime();
        return super.handle(request, response, new Callback.Nested(callback) {
            @Override
            public void succeeded() {
                record(request, response.getStatus(), start);
                super.succeeded();
            }

            @Override
            public void failed(Throwable failure) {
                // Jetty answers an uncommitted failed response with 500; a committed one keeps its status.
                record(request, response.isCommitted() ? response.getStatus() : 500, start);
                super.failed(failure);
            }
        });
    }

    private void record(Request request, int status, long start) {
        timers.computeIfAbsent(labels.of(request, status), tags -> Timer.builder(name)
                        .description(description)
                        .tags(tags)
                        .serviceLevelObjectives(Metrics.LATENCY_BUCKETS)
                        .register(registry))
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
}
