package dev.pitstop.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Answers {@code GET /metrics} in the Prometheus text format for a request carrying a bearer token
 * the process accepts (any role: metrics are read-only), and passes every other request on.
 * Prometheus sends the token with {@code authorization: credentials_file} in its scrape config.
 */
public final class MetricsEndpoint extends Handler.Wrapper {

    public static final String PATH = "/metrics";
    /** The Prometheus text exposition format, version 0.0.4: what every Prometheus version reads. */
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String BEARER = "Bearer ";

    private final PrometheusMeterRegistry registry;
    private final Predicate<String> acceptsToken;

    /** @param acceptsToken whether a bearer token's value is one of the cluster's tokens */
    public MetricsEndpoint(PrometheusMeterRegistry registry, Predicate<String> acceptsToken, Handler next) {
        super(next);
        this.registry = registry;
        this.acceptsToken = acceptsToken;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!PATH.equals(Request.getPathInContext(request))) {
            return super.handle(request, response, callback);
        }
        if (!HttpMethod.GET.is(request.getMethod())) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET");
            send(response, callback, 405, "application/json", "{\"error\":\"/metrics answers GET only\"}");
            return true;
        }
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        String token = authorization != null && authorization.startsWith(BEARER)
                ? authorization.substring(BEARER.length()) : null;
        if (token == null || !acceptsToken.test(token)) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
            send(response, callback, 401, "application/json", "{\"error\":\"/metrics needs 'Authorization: Bearer"
                    + " <token>' with the cluster's admin token or a token made by pitstop token create (any role)\"}");
            return true;
        }
        send(response, callback, 200, CONTENT_TYPE, registry.scrape());
        return true;
    }

    private static void send(Response response, Callback callback, int status, String contentType, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, java.nio.ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }
}
