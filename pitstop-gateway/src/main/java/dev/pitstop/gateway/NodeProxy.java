package dev.pitstop.gateway;

import dev.pitstop.control.StatusPage;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proxies each request to the next ready node. A node that fails while proxying leaves rotation at
 * once; the request then goes to another node if it is idempotent and nothing of it is lost yet
 * (no response byte sent to the client, no body byte sent to the failed node).
 */
final class NodeProxy extends ProxyHandler.Reverse {

    private static final Logger log = LoggerFactory.getLogger(NodeProxy.class);
    private static final String ATTEMPT = NodeProxy.class.getName() + ".attempt";
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE");
    /** Health checks run every fraction of a second, so a client may come back soon. */
    private static final int NO_NODE_RETRY_AFTER_SECONDS = 5;
    // A fixed pseudonym instead of the host name: no DNS lookup, nothing revealed.
    private static final HttpField VIA_1_1 = new HttpField(HttpHeader.VIA, "1.1 pitstop-gateway");
    private static final HttpField VIA_2 = new HttpField(HttpHeader.VIA, "2.0 pitstop-gateway");
    private static final String NO_NODE_BODY = "{\"error\":\"no node of the cluster is ready; retry shortly\"}";

    private final Rotation rotation;
    private final long connectTimeoutMillis;
    private final boolean trustForwardedFor;
    private final GatewayMetrics metrics;

    NodeProxy(Rotation rotation, GatewayConfig config, GatewayMetrics metrics) {
        super(NodeProxy::target);
        this.rotation = rotation;
        this.connectTimeoutMillis = config.nodeTimeout().toMillis();
        this.trustForwardedFor = config.trustForwardedFor();
        this.metrics = metrics;
        // One pool of threads for both sides: a response from a node is written to the client by
        // the thread that read it, instead of being handed to a second pool.
        setUseServerThreadPool(true);
    }

    /**
     * Nothing on the proxy's path blocks (choosing a node reads a snapshot; the node is asked and
     * the client answered asynchronously), so Jetty may run it on the thread that read the request
     * instead of handing every request to another thread.
     */
    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    /**
     * HTTP/1.1 only: the nodes speak nothing else, and the dynamic transport's negotiation costs on
     * every request; node responses read without a hand-off to another thread (see {@link NodeTransport}).
     */
    @Override
    protected HttpClient newHttpClient() {
        return new HttpClient(new NodeTransport());
    }

    @Override
    protected void configureHttpClient(HttpClient httpClient) {
        super.configureHttpClient(httpClient);
        httpClient.setConnectTimeout(connectTimeoutMillis);
    }

    /** Also the entry point of every retry, which picks the next node in turn. */
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Attempt attempt = (Attempt) request.getAttribute(ATTEMPT);
        if (attempt == null) {
            attempt = new Attempt(rotation.readyCount());
            request.setAttribute(ATTEMPT, attempt);
        }
        Backend backend = rotation.next();
        if (backend == null) {
            noNodeReady(request, response, callback);
            return true;
        }
        attempt.backend = backend;
        attempt.triesLeft--;
        request.setAttribute(AccessLog.NODE_ATTRIBUTE, backend.id());
        return super.handle(request, response, callback);
    }

    /** Browsers get the status page's "temporarily unavailable" variant; API clients the reason in JSON. */
    static void noNodeReady(Request request, Response response, Callback callback) {
        String accept = request.getHeaders().get(HttpHeader.ACCEPT);
        if (accept != null && accept.contains("text/html")) {
            Unavailable.send(response, callback, NO_NODE_RETRY_AFTER_SECONDS, "text/html; charset=utf-8",
                    StatusPage.UNAVAILABLE_HTML);
        } else {
            Unavailable.send(response, callback, NO_NODE_RETRY_AFTER_SECONDS, "application/json", NO_NODE_BODY);
        }
    }

    /** The id of the node the request went to last, or null if it went to none. */
    static String backendId(Request request) {
        Attempt attempt = (Attempt) request.getAttribute(ATTEMPT);
        Backend backend = attempt == null ? null : attempt.backend;
        return backend == null ? null : backend.id();
    }

    private static HttpURI target(Request request) {
        return ((Attempt) request.getAttribute(ATTEMPT)).backend.target(request.getHttpURI());
    }

    /** {@code Via} and who the client is, in one pass over the headers (Jetty's own builds a stream per header). */
    @Override
    protected void addProxyHeaders(Request clientToProxy, org.eclipse.jetty.client.Request proxyToServer) {
        HttpField via = clientToProxy.getConnectionMetaData().getHttpVersion() == HttpVersion.HTTP_2 ? VIA_2 : VIA_1_1;
        proxyToServer.headers(headers -> {
            ForwardedFor.headers(clientToProxy, trustForwardedFor, headers::put);
            headers.add(via);
        });
    }

    @Override
    protected org.eclipse.jetty.client.Request.Content newProxyToServerRequestContent(
            Request clientToProxy, Response proxyToClient, org.eclipse.jetty.client.Request proxyToServer) {
        return new TrackedBody(clientToProxy, (Attempt) clientToProxy.getAttribute(ATTEMPT));
    }

    @Override
    protected void onServerToProxyResponseFailure(Request clientToProxy, org.eclipse.jetty.client.Request proxyToServer,
                                                  org.eclipse.jetty.client.Response serverToProxy,
                                                  Response proxyToClient, Callback callback, Throwable failure) {
        Attempt attempt = (Attempt) clientToProxy.getAttribute(ATTEMPT);
        // A client that went away says nothing about the node. A node slower than the idle timeout
        // is busy rather than dead, and sending its work elsewhere would spread what made it slow.
        if (attempt.clientFailed || failure instanceof TimeoutException) {
            super.onServerToProxyResponseFailure(clientToProxy, proxyToServer, serverToProxy, proxyToClient,
                    callback, failure);
            return;
        }
        if (failure instanceof EofException && !attempt.closedConnectionRetried) {
            // A kept-alive connection that the node closed while it was idle fails the request
            // written on it with an EOF, and says nothing about the node. One more try, on a new
            // connection, without taking the node out: a node really gone refuses that connection
            // and leaves the rotation then.
            attempt.closedConnectionRetried = true;
            attempt.triesLeft++;
        } else {
            rotation.markDown(attempt.backend, "proxying failed: " + failure);
        }
        String notRetried = whyNotRetried(clientToProxy.getMethod(), proxyToClient, attempt);
        if (notRetried == null) {
            log.debug("Retrying {} {} after {} failed", clientToProxy.getMethod(),
                    clientToProxy.getHttpURI().getPath(), attempt.backend);
            proxyToClient.reset();
            metrics.retried();
            handle(clientToProxy, proxyToClient, callback);
        } else {
            // Once committed, this aborts the response: the client sees it cut short, not a 502.
            Response.writeError(clientToProxy, proxyToClient, callback, HttpStatus.BAD_GATEWAY_502,
                    "The node handling this request failed; it was not retried because " + notRetried);
        }
    }

    private static String whyNotRetried(String method, Response proxyToClient, Attempt attempt) {
        if (proxyToClient.isCommitted()) {
            return "part of the response was already sent";
        }
        if (!IDEMPOTENT.contains(method)) {
            return method + " is not idempotent";
        }
        if (attempt.bodyStarted) {
            return "its body was already sent to the failed node";
        }
        if (attempt.triesLeft <= 0) {
            return "every node tried failed";
        }
        return null;
    }

    /**
     * What a retry of one client request needs to know about the tries before it. Volatile because
     * a try starts on a server thread and fails on a client thread.
     */
    private static final class Attempt {
        volatile Backend backend;
        volatile int triesLeft;
        volatile boolean bodyStarted;
        volatile boolean clientFailed;
        volatile boolean closedConnectionRetried;

        Attempt(int tries) {
            this.triesLeft = tries;
        }
    }

    /**
     * The client's request body, watched: once any of it went to a node, it cannot be sent to
     * another (the gateway does not buffer bodies), and a failure reading it is the client's.
     */
    private static final class TrackedBody extends ProxyRequestContent {
        private final Attempt attempt;

        TrackedBody(Request clientToProxy, Attempt attempt) {
            super(clientToProxy);
            this.attempt = attempt;
        }

        @Override
        public Content.Chunk read() {
            Content.Chunk chunk = super.read();
            if (chunk != null) {
                attempt.bodyStarted = true;
                attempt.clientFailed |= Content.Chunk.isFailure(chunk);
            }
            return chunk;
        }

        // Failing an untouched body would rule out sending it to another node.
        @Override
        public void fail(Throwable failure) {
            if (attempt.bodyStarted) {
                super.fail(failure);
            }
        }

        @Override
        public void fail(Throwable failure, boolean last) {
            if (attempt.bodyStarted) {
                super.fail(failure, last);
            }
        }
    }
}
