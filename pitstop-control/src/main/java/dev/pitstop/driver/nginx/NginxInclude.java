package dev.pitstop.driver.nginx;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The include file Pitstop writes for nginx's {@code http} block: the nodes as an upstream, and a
 * server that proxies to them or, in maintenance, answers with the status page. Its generation (a
 * hash of its content) is served to the local host at {@link #GENERATION_PATH}, so that Pitstop can
 * tell when a reload has taken effect: {@code nginx -s reload} returns before the workers have the
 * new configuration.
 */
record NginxInclude(String listen, List<String> nodeUrls, Maintenance maintenance) {

    static final String GENERATION_PATH = "/.pitstop/generation";
    private static final String STATUS_PATH = "/.pitstop/status.html";
    private static final String GENERATION = "@GENERATION@";

    /** The status page served from {@code pageFile}, with {@code Retry-After}. */
    record Maintenance(Path pageFile, int retryAfterSeconds) {
    }

    String render() {
        return "# Written by Pitstop (traffic: nginx); every change of the cluster rewrites it, so do not edit it.\n"
                + template().replace(GENERATION, generation());
    }

    /** A hash of the content: equal files have equal generations, so an unchanged file needs no reload. */
    String generation() {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(template().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    private String template() {
        return upstream() + (maintenance == null ? "" : bypassMap()) + server();
    }

    private String upstream() {
        StringBuilder servers = new StringBuilder();
        for (String url : nodeUrls) {
            URI uri = URI.create(url);
            // One failure takes a node out for 2 s, so a stopped node costs clients one retry, not one per request.
            servers.append("    server ").append(uri.getHost()).append(':').append(uri.getPort())
                    .append(" max_fails=1 fail_timeout=2s;\n");
        }
        if (nodeUrls.isEmpty()) {
            // nginx needs a server in an upstream; this one is never tried, the status page answers instead.
            servers.append("    server 127.0.0.1:9 down;\n");
        }
        return "upstream pitstop_nodes {\n" + servers + "    keepalive 32;\n}\n\n";
    }

    /** 1 for a client request in maintenance: one without the bypass header, and not to the admin API. */
    private static String bypassMap() {
        return """
                map "$http_x_pitstop_bypass:$uri" $pitstop_status_page {
                    "~^:/admin/" 0;
                    "~^:"        1;
                    default      0;
                }

                """;
    }

    private String server() {
        StringBuilder server = new StringBuilder();
        server.append("server {\n    listen ").append(listen).append(";\n\n");
        server.append("""
                    location = %s {
                        allow 127.0.0.1;
                        allow ::1;
                        deny all;
                        default_type text/plain;
                        return 200 "%s";
                    }

                    location / {
                """.formatted(GENERATION_PATH, GENERATION));
        if (maintenance != null) {
            server.append("        if ($pitstop_status_page) {\n            return 503;\n        }\n");
        }
        server.append("""
                        proxy_pass http://pitstop_nodes;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_set_header Host $http_host;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        proxy_set_header X-Forwarded-Proto $scheme;
                        proxy_next_upstream error timeout;
                    }
                """);
        if (maintenance != null) {
            // Bypass requests while no node runs fail in nginx; they get the status page too.
            server.append("""

                        error_page 502 503 504 =503 %s;
                        location = %s {
                            internal;
                            alias %s;
                            types { }
                            default_type "text/html; charset=utf-8";
                            add_header Retry-After %d always;
                            add_header Cache-Control no-store always;
                        }
                    """.formatted(STATUS_PATH, STATUS_PATH, maintenance.pageFile(), maintenance.retryAfterSeconds()));
        }
        return server.append("}\n").toString();
    }
}
