package dev.pitstop.http;

import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.DetectorConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The listening side of the node and the gateway: plain HTTP, or HTTPS from PEM files. With
 * HTTPS the same port also recognises a plain HTTP request, so that it can be refused or
 * redirected with an answer the client understands instead of a TLS error.
 */
public final class Connectors {

    private Connectors() {
    }

    /**
     * A connector on {@code host:port}; HTTPS when {@code tls} is given.
     *
     * @throws TlsException when the certificate or key cannot be used
     */
    public static ServerConnector create(Server server, String host, int port, TlsSettings tls) {
        return create(server, host, port, tls, OverTls.HTTP_1_1);
    }

    /**
     * A connector on {@code host:port}; HTTPS when {@code tls} is given, speaking over it what
     * {@code overTls} offers (HTTP/2 by ALPN for the gateway).
     *
     * @throws TlsException when the certificate or key cannot be used
     */
    public static ServerConnector create(Server server, String host, int port, TlsSettings tls, OverTls overTls) {
        HttpConfiguration http = new HttpConfiguration();
        // The version helps only an attacker looking for a known hole.
        http.setSendServerVersion(false);
        ServerConnector connector;
        if (tls == null) {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        } else {
            // The certificate may name a host other than the one a client typed (an IP, a Service);
            // the client's verification is what protects it, not this check.
            http.addCustomizer(new SecureRequestCustomizer(false));
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(Pem.keyStore(tls.certificate(), tls.key()));
            ssl.setKeyStorePassword(new String(Pem.STORE_PASSWORD));
            ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
            HttpConnectionFactory httpFactory = new HttpConnectionFactory(http);
            List<ConnectionFactory> afterTls = overTls.factories(http, httpFactory);
            SslConnectionFactory sslFactory = new SslConnectionFactory(ssl, afterTls.get(0).getProtocol());
            // A connection that does not start with TLS goes to the factory after the detector: HTTP/1.1.
            List<ConnectionFactory> factories = new ArrayList<>(List.of(new DetectorConnectionFactory(sslFactory),
                    httpFactory));
            afterTls.stream().filter(f -> f != httpFactory).forEach(factories::add);
            connector = new ServerConnector(server, factories.toArray(ConnectionFactory[]::new));
        }
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }

    /** What a connector speaks over TLS, built on its HTTP configuration and its HTTP/1.1 factory. */
    @FunctionalInterface
    public interface OverTls {

        /** HTTP/1.1 only. */
        OverTls HTTP_1_1 = (http, http1) -> List.of(http1);

        /** The factories TLS hands a connection to, the first one first; may include {@code http1}. */
        List<ConnectionFactory> factories(HttpConfiguration http, HttpConnectionFactory http1);
    }

    /** {@code handler}, behind what {@code tls} says of plain HTTP requests; {@code handler} itself without TLS. */
    public static Handler guard(Handler handler, TlsSettings tls) {
        return tls == null ? handler : new PlainHttpGuard(handler, tls.plainHttp());
    }

    /** Answers a request that came without TLS: refused (403) or redirected to https (308). */
    private static final class PlainHttpGuard extends Handler.Wrapper {

        private final TlsSettings.PlainHttp mode;

        PlainHttpGuard(Handler handler, TlsSettings.PlainHttp mode) {
            super(handler);
            this.mode = mode;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (request.isSecure()) {
                return super.handle(request, response, callback);
            }
            String https = HttpURI.build(request.getHttpURI()).scheme("https").asString();
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            if (mode == TlsSettings.PlainHttp.REDIRECT) {
                response.setStatus(308);
                response.getHeaders().put(HttpHeader.LOCATION, https);
                callback.succeeded();
                return true;
            }
            response.setStatus(403);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            Content.Sink.write(response, true, "{\"error\":\"this cluster is served over HTTPS only; use "
                    + https.replace("\"", "%22") + "\"}", callback);
            return true;
        }
    }
}
