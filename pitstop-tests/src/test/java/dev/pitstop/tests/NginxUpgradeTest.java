package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** The upgrade behind a real nginx, which Pitstop steers through its include file and reloads. */
class NginxUpgradeTest extends ProxyUpgradeTest {

    @Override
    ProxyServer startProxy(Path dir) throws Exception {
        return NginxServer.start(dir);
    }

    /**
     * nginx -t rejects the file (a port nginx does not accept): the file is put back, nginx is not
     * reloaded, and clients get the status page, as the cluster mode says, from the nodes.
     */
    @Test
    @Order(4)
    void aFileNginxRejectsIsPutBackAndClientsStayOnTheStatusPage() throws Exception {
        Path config = cluster.home().resolve("pitstop.yml");
        String good = Files.readString(config);
        Path include = dir.resolve("proxy").resolve("pitstop.conf");
        String served = Files.readString(include);
        Files.writeString(config, good.replaceFirst("listen: 127.0.0.1:\\d+", "listen: 127.0.0.1:70000"));
        try {
            Cli.Result pageOn = cluster.cli().run("maintenance", "page", "on");

            assertThat(pageOn.exitCode()).as("%s", pageOn).isEqualTo(1);
            assertThat(pageOn.err()).contains("nginx rejected the configuration Pitstop wrote to " + include,
                    "the previous file is back and nginx was not reloaded");
        } finally {
            Files.writeString(config, good);
        }
        assertThat(Files.readString(include)).isEqualTo(served);
        HttpResponse<String> client = Http.get(proxy.url() + "/api/items");
        assertThat(client.statusCode()).isEqualTo(503);
        assertThat(client.body()).contains("Down for maintenance");

        cluster.run("maintenance", "page", "off");
        assertThat(Http.get(proxy.url() + "/api/items").statusCode()).isEqualTo(200);
    }
}
