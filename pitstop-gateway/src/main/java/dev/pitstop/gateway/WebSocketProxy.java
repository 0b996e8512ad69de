package dev.pitstop.gateway;

import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * WebSocket upgrades go to the next ready node and stay there for the connection's life (see
 * {@link WebSocketRelay}); every other request goes on to the HTTP proxy. The client's headers go
 * to the node as for any request (cookies, tokens, the bypass header), with who the client is.
 * The node is asked first, and the client's upgrade accepted only once the node has accepted its
 * own: a node that refuses (no such route, not authorised) stays in rotation and its status goes to
 * the client, so a client asking for a path no plugin serves cannot take nodes out of rotation; a
 * node that cannot be reached is marked down and the client gets 502. Subprotocols are not
 * negotiated. Connections are counted by node, for the {@link WebSocketDrain}.
 */
final class WebSocketProxy extends Handler.Wrapper {

    /** Headers of the client's handshake that belong to its own connection, not to the node's. */
    private static final Set<HttpHeader> HANDSHAKE = EnumSet.of(HttpHeader.HOST, HttpHeader.CONNECTION,
            HttpHeader.UPGRADE, HttpHeader.SEC_WEBSOCKET_KEY, HttpHeader.SEC_WEBSOCKET_VERSION,
            HttpHeader.SEC_WEBSOCKET_EXTENSIONS, HttpHeader.SEC_WEBSOCKET_SUBPROTOCOL, HttpHeader.CONTENT_LENGTH,
            HttpHeader.TRANSFER_ENCODING, HttpHeader.KEEP_ALIVE, HttpHeader.TE, HttpHeader.PROXY_CONNECTION,
            HttpHeader.X_FORWARDED_FOR, HttpHeader.X_FORWARDED_HOST, HttpHeader.X_FORWARDED_PROTO,
            HttpHeader.FORWARDED);

    private final Rotation rotation;
    private final WebSocketDrain drain;
    private final boolean trustForwardedFor;
    private final WebSocketClient client;
    private final WebSocketUpgradeHandler upgrade;
    private final Duration nodeTimeout;

    WebSocketProxy(Server server, Rotation rotation, WebSocketDrain drain, GatewayConfig config, Handler http) {
        super(http);
        this.rotation = rotation;
        this.drain = drain;
        this.trustForwardedFor = config.trustForwardedFor();
        this.nodeTimeout = config.nodeTimeout();
        HttpClient httpClient = new HttpClient();
        httpClient.setConnectTimeout(config.nodeTimeout().toMillis());
        this.client = new WebSocketClient(httpClient);
        this.upgrade = WebSocketUpgradeHandler.from(server, container -> container.addMapping("/*", this::relay));
        // A bean here, not a handler of the tree: it would not learn its server otherwise.
        upgrade.setServer(server);
        addBean(client);
        addBean(upgrade);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.getHeaders().contains(HttpHeader.UPGRADE, "websocket")) {
            return upgrade.handle(request, response, callback);
        }
        return super.handle(request, response, callback);
    }

    private Object relay(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
        Backend backend = rotation.next();
        if (backend == null) {
            NodeProxy.noNodeReady(request, response, callback);
            return null;
        }
        request.setAttribute(AccessLog.NODE_ATTRIBUTE, backend.id());
        WebSocketRelay relay = new WebSocketRelay();
        HttpURI http = backend.target(request.getHttpURI());
        HttpURI target = HttpURI.build(http).scheme(http.getScheme().equals("https") ? "wss" : "ws");
        ClientUpgradeRequest toNode = new ClientUpgradeRequest(target.toURI());
        for (HttpField field : request.getHeaders()) {
            if (field.getHeader() == null || !HANDSHAKE.contains(field.getHeader())) {
                toNode.setHeader(field.getName(), request.getHeaders().getValuesList(field.getName()));
            }
        }
        ForwardedFor.headers(request, trustForwardedFor, (header, value) -> toNode.setHeader(header.asString(), value));
        try {
            // Blocks this handshake's thread for the node's own handshake, a loopback or LAN round trip.
            client.connect(relay.node, toNode).get(nodeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | IOException | TimeoutException | InterruptedException e) {
            // Should the node's side open after all, it closes at once: no client will read it.
            relay.node.close(StatusCode.SHUTDOWN, "the client's upgrade was answered without the node");
            return refused(backend, e, request, response, callback);
        }
        drain.opened(backend, relay);
        return relay.client;
    }

    /** Answers the client's upgrade without upgrading; the node is marked down only if it could not be reached. */
    private Object refused(Backend backend, Exception e, ServerUpgradeRequest request, ServerUpgradeResponse response,
                           Callback callback) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        Throwable failure = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (failure instanceof UpgradeException answered && answered.getResponseStatusCode() > 0) {
            // A refusal (404, 401, 503...) is the client's answer; a node that answered anything else did not upgrade.
            int status = answered.getResponseStatusCode();
            Response.writeError(request, response, callback, status >= 400 ? status : HttpStatus.BAD_GATEWAY_502,
                    "the node answered the WebSocket upgrade with " + status);
            return null;
        }
        rotation.markDown(backend, "WebSocket upgrade failed: " + failure);
        Response.writeError(request, response, callback, HttpStatus.BAD_GATEWAY_502, "the node could not be reached");
        return null;
    }
}
