package dev.pitstop.gateway;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** The 503 answers the gateway gives itself, instead of a node's. */
final class Unavailable {

    private Unavailable() {
    }

    /**
     * Answers 503 with {@code Retry-After}. Never cached: the answer stops being true as soon as
     * a node is ready or maintenance ends.
     */
    static void send(Response response, Callback callback, int retryAfterSeconds, String contentType, String body) {
        response.setStatus(HttpStatus.SERVICE_UNAVAILABLE_503);
        response.getHeaders()
                .put(HttpHeader.CONTENT_TYPE, contentType)
                .put(HttpHeader.RETRY_AFTER, retryAfterSeconds)
                .put(HttpHeader.CACHE_CONTROL, "no-store");
        Content.Sink.write(response, true, body, callback);
    }
}
