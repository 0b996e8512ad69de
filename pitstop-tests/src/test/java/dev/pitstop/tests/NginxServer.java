package dev.pitstop.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An nginx master of the test's own: prefix, nginx.conf, pid file and logs in {@code dir}, running
 * in the foreground as the test's child. Its http block includes the file Pitstop writes, which
 * holds the server and its port, so nginx listens only once Pitstop has pointed it at the nodes.
 */
final class NginxServer extends ProxyServer {

    private final Path dir;

    private NginxServer(Path dir, int port) throws IOException {
        super(List.of("nginx", "-p", dir + "/", "-c", dir.resolve("nginx.conf").toString(), "-g", "daemon off;"),
                dir.resolve("nginx.out"), port);
        this.dir = dir;
    }

    static NginxServer start(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("temp"));
        // Workers run as root so that they can read the status page in the test's private directory.
        Files.writeString(dir.resolve("nginx.conf"), """
                user root;
                worker_processes 2;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events {
                    worker_connections 1024;
                }
                http {
                    access_log off;
                    client_body_temp_path %1$s/temp/client;
                    proxy_temp_path %1$s/temp/proxy;
                    fastcgi_temp_path %1$s/temp/fastcgi;
                    uwsgi_temp_path %1$s/temp/uwsgi;
                    scgi_temp_path %1$s/temp/scgi;
                    include %1$s/pitstop*.conf;
                }
                """.formatted(dir));
        NginxServer nginx = new NginxServer(dir, NodeProcess.freePort());
        nginx.awaitFile(dir.resolve("nginx.pid"));
        return nginx;
    }

    @Override
    String config() {
        String nginx = "nginx -p " + dir + "/ -c " + dir.resolve("nginx.conf");
        return """
                traffic: nginx
                nginx:
                  include-file: %s
                  listen: 127.0.0.1:%d
                  test-command: %s -t
                  reload-command: %s -s reload
                """.formatted(dir.resolve("pitstop.conf"), port(), nginx, nginx);
    }

    @Override
    public String toString() {
        return "nginx in " + dir;
    }
}
