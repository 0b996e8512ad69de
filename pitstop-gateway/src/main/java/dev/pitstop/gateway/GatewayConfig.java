package dev.pitstop.gateway;

import dev.pitstop.http.TlsSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the gateway can be told.
 *
 * @param host           the address to listen on
 * @param port           the port to listen on; 0 picks a free one (see {@link Gateway#port()})
 * @param healthInterval how often every node's {@code /health/ready} is asked
 * @param nodeTimeout    how long a node may take to answer a health check or accept a connection
 *                       before it is taken out of rotation
 * @param stopTimeout    how long {@link Gateway#close()} lets requests in flight finish
 * @param trustForwardedFor whether a proxy in front of the gateway is trusted to say who the client
 *                       is: then the gateway appends to its {@code X-Forwarded-For} and {@code Forwarded};
 *                       else it replaces them with the connection's address, so a client cannot
 *                       name another in the nodes' logs and audit log
 * @param tls            HTTPS from PEM files, or null for plain HTTP
 * @param accessLog      where to write a line per request, or null for none
 */
public record GatewayConfig(String host, int port, Duration healthInterval, Duration nodeTimeout,
                            Duration stopTimeout, boolean trustForwardedFor, TlsSettings tls,
                            AccessLogSettings accessLog) {

    public static final int DEFAULT_PORT = 8080;

    public GatewayConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("gateway port must be 0 (any free port) to 65535, got: " + port);
        }
        requirePositive("health interval", healthInterval);
        requirePositive("node timeout", nodeTimeout);
        Objects.requireNonNull(stopTimeout, "stopTimeout");
    }

    /**
     * Loopback on {@link #DEFAULT_PORT}, health checks every 500 ms, 1 s for a node to answer, no
     * proxy trusted in front.
     */
    public static GatewayConfig defaults() {
        return new GatewayConfig("127.0.0.1", DEFAULT_PORT, Duration.ofMillis(500), Duration.ofSeconds(1),
                Duration.ofSeconds(10), false, null, null);
    }

    public GatewayConfig withPort(int port) {
        return new GatewayConfig(host, port, healthInterval, nodeTimeout, stopTimeout, trustForwardedFor, tls,
                accessLog);
    }

    public GatewayConfig withHost(String host) {
        return new GatewayConfig(host, port, healthInterval, nodeTimeout, stopTimeout, trustForwardedFor, tls,
                accessLog);
    }

    public GatewayConfig withTls(TlsSettings tls) {
        return new GatewayConfig(host, port, healthInterval, nodeTimeout, stopTimeout, trustForwardedFor, tls,
                accessLog);
    }

    public GatewayConfig withTrustForwardedFor(boolean trust) {
        return new GatewayConfig(host, port, healthInterval, nodeTimeout, stopTimeout, trust, tls, accessLog);
    }

    public GatewayConfig withAccessLog(AccessLogSettings accessLog) {
        return new GatewayConfig(host, port, healthInterval, nodeTimeout, stopTimeout, trustForwardedFor, tls,
                accessLog);
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got: " + value);
        }
    }
}
