package dev.pitstop.node.http;

import dev.pitstop.http.Connectors;
import dev.pitstop.http.JsonErrorHandler;
import dev.pitstop.http.TlsSettings;
import java.time.Duration;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;

/** The node's Jetty server. Stopping it refuses new requests and lets in-flight ones finish. */
public final class HttpServer implements AutoCloseable {

    private final Server server;
    private final ServerConnector connector;

    private HttpServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /** @param tls HTTPS from PEM files, or null for plain HTTP */
    public static HttpServer start(String host, int port, Handler handler, Duration drainTimeout, TlsSettings tls)
            throws Exception {
        Server server = new Server();
        ServerConnector connector = Connectors.create(server, host, port, tls);
        server.addConnector(connector);
        server.setHandler(new GracefulHandler(Connectors.guard(handler, tls)));
        // For the plugins' WebSocket routes (NodeHandler). On stop it closes their connections with
        // 1001 as the drain begins, so that clients reconnect to another node rather than wait.
        ServerWebSocketContainer.ensure(server);
        server.setErrorHandler(new JsonErrorHandler("node"));
        server.setStopTimeout(drainTimeout.toMillis());
        server.setStopAtShutdown(false);
        server.start();
        return new HttpServer(server, connector);
    }

    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
