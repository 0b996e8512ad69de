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
 * @param drainTimeout   how long the WebSocket connections of a draining node may stay open before
 *                       the gateway closes them with 1001
 * @param h2c            whether plain HTTP clients may speak HTTP/2 (h2c); only without {@code tls},
 *                       over which HTTP/2 is always offered (ALPN)
 */
public record GatewayConfig(String host, int port, Duration healthInterval, Duration nodeTimeout,
                            Duration stopTimeout, boolean trustForwardedFor, TlsSettings tls,
                            AccessLogSettings accessLog, Duration drainTimeout, boolean h2c) {

    public static final int DEFAULT_PORT = 8080;
    /** The nodes' default {@code shutdown-timeout-seconds}: how long they drain. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

    public GatewayConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("gateway port must be 0 (any free port) to 65535, got: " + port);
        }
        requirePositive("health interval", healthInterval);
        requirePositive("node timeout", nodeTimeout);
        Objects.requireNonNull(stopTimeout, "stopTimeout");
        requirePositive("drain timeout", drainTimeout);
        if (h2c && tls != null) {
            throw new IllegalArgumentException("h2c (HTTP/2 without TLS) cannot be combined with TLS, over which "
                    + "clients get HTTP/2 by ALPN anyway: turn gateway.h2c off or remove the tls section");
        }
    }

    /**
     * Loopback on {@link #DEFAULT_PORT}, health checks every 500 ms, 1 s for a node to answer, no
     * proxy trusted in front, WebSockets of a draining node closed after {@link #DEFAULT_DRAIN_TIMEOUT},
     * no h2c.
     */
    public static GatewayConfig defaults() {
        return new GatewayConfig("127.0.0.1", DEFAULT_PORT, Duration.ofMillis(500), Duration.ofSeconds(1),
                Duration.ofSeconds(10), false, null, null, DEFAULT_DRAIN_TIMEOUT, false);
    }

    public GatewayConfig withPort(int port) {
        return new GatewayConfig(host, port, healthInterval, nodeTimeout, stopTimeout, trustForwardedFor, tls,
                accessLog, drainTimeout, h2c);
    }

    public GatewayConfig withHost(String host) {
        return new GatewayConfig(host, port, healthInterval, nodeTimeout, stopTimeout, trustForwardedFor, tls,
                accessLog, drainTimeout, h2c);
    }

    public GatewayConfig withTls(TlsSettings tls) {
        return new GatewayConfig(host, port, healthInterval, nodeTimeout, stopTimeout, trustForwardedFor, tls,
                accessLog, drainTimeout, h2c);
    }

    public GatewayConfig withTrustForwardedFor(boolean trust) {
        return new GatewayConfig(host, port, healthInterval, nodeTimeout, stopTimeout, trust, tls,
                accessLog, drainTimeout, h2c);
    }

    public GatewayConfig withAccessLog(AccessLogSettings accessLog) {
        return new GatewayConfig(host, port, healthInterval, nodeTimeout, stopTimeout, trustForwardedFor, tls,
                accessLog, drainTimeout, h2c);
    }

    public GatewayConfig withDrainTimeout(Duration drainTimeout) {
        return new GatewayConfig(host, port, healthInterval, nodeTimeout, stopTimeout, trustForwardedFor, tls,
                accessLog, drainTimeout, h2c);
    }

    public GatewayConfig withH2c(boolean h2c) {
        return new GatewayConfig(host, port, healthInterval, nodeTimeout, stopTimeout, trustForwardedFor, tls,
                accessLog, drainTimeout, h2c);
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got: " + value);
        }
    }
}
