package dev.pitstop.gateway;

import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * WebSocket upgrades go to the next ready node and stay there for the connection's life (see
 * {@link WebSocketRelay}); every other request goes on to the HTTP proxy. The client's headers go
 * to the node as for any request (cookies, tokens, the bypass header), with who the client is.
 * Subprotocols are not negotiated: the client's upgrade is accepted before the node is asked.
 * Connections are counted by node, for the {@link WebSocketDrain}.
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

    WebSocketProxy(Server server, Rotation rotation, WebSocketDrain drain, GatewayConfig config, Handler http) {
        super(http);
        this.rotation = rotation;
        this.drain = drain;
        this.trustForwardedFor = config.trustForwardedFor();
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
        drain.opened(backend, relay);
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
            client.connect(relay.node, toNode).whenComplete((session, failure) -> {
                if (failure != null) {
                    rotation.markDown(backend, "WebSocket upgrade failed: " + failure);
                    relay.client.close(StatusCode.SERVER_ERROR, "the node could not be reached");
                }
            });
        } catch (IOException e) {
            rotation.markDown(backend, "WebSocket upgrade failed: " + e);
            relay.client.close(StatusCode.SERVER_ERROR, "the node could not be reached");
        }
        return relay.client;
    }
}
