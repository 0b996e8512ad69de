package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upgrade procedure behind an external proxy that Pitstop steers, on one two-node cluster of
 * local nodes, in order: 1.0.0 to 1.1.0, then the broken release rolled back, each while a client
 * polls through the proxy and sees only 200 or the status page; then the page by hand, with the
 * operators' bypass; last, the online upgrade to 1.3.0, the client seeing only 200s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ProxyUpgradeTest {

    private static final int ITEMS = 10;

    @TempDir
    static Path dir;

    ProxyServer proxy;
    CliCluster cluster;

    abstract ProxyServer startProxy(Path dir) throws Exception;

    @BeforeAll
    void up() throws Exception {
        proxy = startProxy(dir.resolve("proxy"));
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve("pitstop.yml"), proxy.config());
        cluster = CliCluster.up(home, 2, "1.0.0");
        for (int i = 0; i < ITEMS; i++) {
            assertThat(Http.post(proxy.url() + "/api/items", Http.item("item " + i)).statusCode()).isEqualTo(201);
        }
    }

    @AfterAll
    void down() throws Exception {
        try (ProxyServer stopLast = proxy) {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @Test
    @Order(1)
    void upgradesWhileClientsOfTheProxySeeOnly200OrTheStatusPage() throws Exception {
        UpgradeTest.Poller poller = UpgradeTest.Poller.start(proxy.url() + "/api/items");

        Cli.Result upgrade = cluster.run("upgrade", "--to", Demo.release("1.1.0").toString(), "--yes");

        assertThat(poller.stop()).isEmpty();
        assertThat(poller.pagesSeen()).as("clients saw the status page").isPositive();
        assertThat(upgrade.out()).contains("upgraded to 1.1.0");
        JsonNode items = Http.json(Http.get(proxy.url() + "/api/items"));
        assertThat(items).hasSize(ITEMS);
        assertThat(items.get(0).get("sku").asText()).isEqualTo("ITEM-" + items.get(0).get("id").asLong());
        assertThat(cluster.nodeVersions()).containsExactly("ready 1.1.0", "ready 1.1.0");
    }

    @Test
    @Order(2)
    void rollsTheBrokenReleaseBackWhileClientsOfTheProxySeeOnly200OrTheStatusPage() throws Exception {
        UpgradeTest.Poller poller = UpgradeTest.Poller.start(proxy.url() + "/api/items");

        Cli.Result upgrade = cluster.cli().run("upgrade", "--to", Demo.release("1.2.0-broken").toString(), "--yes");

        assertThat(poller.stop()).isEmpty();
        assertThat(poller.pagesSeen()).as("clients saw the status page").isPositive();
        assertThat(upgrade.exitCode()).as("%s", upgrade).isEqualTo(1);
        assertThat(upgrade.err()).contains("rolled back to 1.1.0");
        assertThat(cluster.nodeVersions()).containsExactly("ready 1.1.0", "ready 1.1.0");
        assertThat(Http.json(Http.get(proxy.url() + "/api/items"))).hasSize(ITEMS);
    }

    @Test
    @Order(3)
    void theStatusPageByHandLetsOperatorsAndTheAdminApiPass() throws Exception {
        String bypass = Files.readString(cluster.home().resolve("bypass.token")).strip();
        cluster.run("maintenance", "page", "on", "--retry-after", "45");

        HttpResponse<String> client = Http.get(proxy.url() + "/api/items");
        assertThat(client.statusCode()).isEqualTo(503);
        assertThat(client.headers().firstValue("Retry-After")).hasValue("45");
        assertThat(client.body()).contains("Down for maintenance");
        assertThat(Http.get(proxy.url() + "/api/items", "X-Pitstop-Bypass", bypass).statusCode()).isEqualTo(200);
        assertThat(Http.get(proxy.url() + "/api/items", "X-Pitstop-Bypass", "wrong").statusCode()).isEqualTo(503);
        assertThat(Http.get(proxy.url() + "/admin/nodes").statusCode()).as("the admin API answers itself").isEqualTo(401);

        cluster.run("maintenance", "page", "off");
        assertThat(Http.get(proxy.url() + "/api/items").statusCode()).isEqualTo(200);
    }

    /**
     * Each node leaves the proxy's rotation before it stops and joins again once verified, so
     * both releases serve meanwhile and clients never see an error nor the status page.
     */
    @Test
    @Order(5)
    void upgradesOnlineWhileClientsOfTheProxySeeOnly200AndKeepTheirData() throws Exception {
        UpgradeTest.Poller poller = UpgradeTest.Poller.start(proxy.url() + "/api/items");

        Cli.Result upgrade = cluster.cli().run(Cli.SQL_PARSER, "upgrade", "--to", Demo.release("1.3.0").toString(),
                "--online");

        assertThat(poller.stop()).isEmpty();
        assertThat(poller.pagesSeen()).as("clients saw the status page").isZero();
        assertThat(upgrade.exitCode()).as("%s", upgrade).isZero();
        assertThat(cluster.nodeVersions()).containsExactly("ready 1.3.0", "ready 1.3.0");
        JsonNode items = Http.json(Http.get(proxy.url() + "/api/items"));
        assertThat(items).hasSize(ITEMS);
        for (JsonNode item : items) {
            assertThat(item.path("sku").asText()).isEqualTo("ITEM-" + item.path("id").asText());
            assertThat(item.path("slug").asText()).isEqualTo(item.path("name").asText());
        }
    }
}
