package dev.pitstop.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An HAProxy of the test's own, running in the foreground as its child, with the configuration
 * operators are given ({@code deploy/haproxy/}) moved into {@code dir} and onto a free port.
 */
final class HaproxyServer extends ProxyServer {

    private static final Path DEPLOY = Path.of(System.getProperty("pitstop.deploy", "../deploy")).resolve("haproxy")
            .toAbsolutePath().normalize();

    private final Path dir;

    private HaproxyServer(Path dir, int port) throws IOException {
        super(List.of("haproxy", "-db", "-f", dir.resolve("haproxy.cfg").toString()), dir.resolve("haproxy.out"), port);
        this.dir = dir;
    }

    static HaproxyServer start(Path dir) throws IOException {
        Files.createDirectories(dir);
        int port = NodeProcess.freePort();
        String config = Files.readString(DEPLOY.resolve("haproxy.cfg"))
                .replace("/etc/haproxy/", dir + "/")
                .replace("/run/haproxy/admin.sock", dir.resolve("admin.sock").toString())
                .replace("bind :8080", "bind 127.0.0.1:" + port);
        Files.writeString(dir.resolve("haproxy.cfg"), config);
        Files.copy(DEPLOY.resolve("pitstop-503.http"), dir.resolve("pitstop-503.http"));
        Files.copy(DEPLOY.resolve("pitstop.map"), dir.resolve("pitstop.map"));
        HaproxyServer haproxy = new HaproxyServer(dir, port);
        haproxy.awaitFile(dir.resolve("admin.sock"));
        return haproxy;
    }

    @Override
    String config() {
        return """
                traffic: haproxy
                haproxy:
                  socket: %s
                  map-file: %s
                """.formatted(dir.resolve("admin.sock"), dir.resolve("pitstop.map"));
    }

    @Override
    public String toString() {
        return "HAProxy in " + dir;
    }
}
