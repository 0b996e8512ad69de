package dev.pitstop.gateway;

import dev.pitstop.http.Connectors;
import java.util.List;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;

/**
 * HTTP/2 for clients that offer it by ALPN during the TLS handshake (browsers, {@code curl --http2});
 * HTTP/1.1 for the others. Without TLS, HTTP/2 in clear text (h2c) when configured, for a proxy in
 * front that speaks it. The nodes are always asked over HTTP/1.1.
 */
final class Http2 {

    static final Connectors.OverTls OVER_TLS = (http, http1) -> {
        HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(http);
        // ALPN's own name for HTTP/1.1, lower case: Jetty's "HTTP/1.1" matches no client's offer.
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory(h2.getProtocol(), "http/1.1");
        // A client that offers no ALPN at all is an HTTP/1.1 client.
        alpn.setDefaultProtocol(http1.getProtocol());
        return List.of(alpn, h2, http1);
    };

    /**
     * Adds h2c to a plain HTTP connector: a client that starts with HTTP/2's preface (prior
     * knowledge, {@code curl --http2-prior-knowledge}) or asks for {@code Upgrade: h2c} speaks HTTP/2;
     * the others go on with HTTP/1.1, on the same port.
     */
    static void addCleartext(ServerConnector connector) {
        HttpConfiguration http = connector.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration();
        connector.addConnectionFactory(new HTTP2CServerConnectionFactory(http));
    }

    private Http2() {
    }
}
