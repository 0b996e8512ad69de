package dev.pitstop.gateway;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * A real HTTP server standing in for a node: {@code /health/ready} answers {@link #readyStatus},
 * {@code /echo} answers its id and the request body, a WebSocket on {@code /ws} answers each text
 * message with its id and the message, any other path answers its id.
 */
public final class TestNode implements AutoCloseable {

    final String id;
    /** Requests served other than health checks. */
    final AtomicInteger served = new AtomicInteger();
    volatile int readyStatus = 200;
    volatile HttpFields lastHeaders;
    private final Server server = new Server();

    private TestNode(String id) {
        this.id = id;
    }

    static TestNode start(String id) throws Exception {
        TestNode node = new TestNode(id);
        ServerConnector connector = new ServerConnector(node.server);
        connector.setHost("127.0.0.1");
        node.server.addConnector(connector);
        WebSocketUpgradeHandler webSockets = WebSocketUpgradeHandler.from(node.server,
                container -> container.addMapping("/ws", (request, response, callback) -> new Echo(id)));
        webSockets.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                return node.handle(request, response, callback);
            }
        });
        node.server.setHandler(webSockets);
        node.server.start();
        return node;
    }

    private boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (path.equals("/health/ready")) {
            response.setStatus(readyStatus);
            Content.Sink.write(response, true, "{\"ready\":" + (readyStatus == 200) + "}", callback);
            return true;
        }
        served.incrementAndGet();
        lastHeaders = request.getHeaders().asImmutable();
        String body = path.equals("/echo") ? id + ":" + Content.Source.asString(request, StandardCharsets.UTF_8) : id;
        Content.Sink.write(response, true, body, callback);
        return true;
    }

    /** Answers each text message with {@code ID:message}. */
    public static final class Echo implements Session.Listener.AutoDemanding {
        private final String id;
        private volatile Session session;

        Echo(String id) {
            this.id = id;
        }

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
        }

        @Override
        public void onWebSocketText(String message) {
            session.sendText(id + ":" + message, org.eclipse.jetty.websocket.api.Callback.NOOP);
        }
    }

    String url() {
        return "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** Kills the node as far as the gateway can tell: its port no longer accepts connections. */
    void stop() throws Exception {
        server.stop();
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
