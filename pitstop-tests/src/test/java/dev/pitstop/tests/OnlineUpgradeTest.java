package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
 * {@code upgrade --online} on one three-node cluster behind the built-in gateway, from 1.1.0: a
 * release that renames a column is refused and nothing changes; a release whose nodes never get
 * ready rolls back without a restore; so does 1.3.0 with a check its nodes fail, none of them ever
 * serving a client; 1.3.0 goes online. A client polls through the gateway the
 * whole time and must see only 200s — no status page, no error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OnlineUpgradeTest {

    private static final int ITEMS = 30;

    @TempDir
    static Path dir;
    private CliCluster cluster;

    @BeforeAll
    void up() throws Exception {
        cluster = CliCluster.up(Files.createDirectories(dir.resolve("home")), 3, "1.1.0");
        cluster.createItems(ITEMS);
    }

    @AfterAll
    void down() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void aReleaseThatRenamesAColumnIsRefusedOnlineNamingTheRename() throws Exception {
        JsonNode before = items();

        Cli.Result plan = upgrade("1.4.0-offline", "--plan");
        Cli.Result upgrade = upgrade("1.4.0-offline");

        assertThat(plan.exitCode()).as("%s", plan).isEqualTo(3);
        assertThat(plan.out()).contains("Mode: offline only").contains("RENAME COLUMN sku TO code");
        assertThat(upgrade.exitCode()).as("%s", upgrade).isEqualTo(3);
        assertThat(upgrade.err()).contains("V8__rename_sku.sql of plugin items").contains("renames a column")
                .contains("nothing was changed");
        assertThat(cluster.nodeVersions()).containsOnly("ready 1.1.0");
        assertThat(items()).isEqualTo(before);
    }

    @Test
    @Order(2)
    void aReleaseWhoseNodesFailRollsBackWithoutARestoreWhileClientsSeeOnly200() throws Exception {
        UpgradeTest.Poller poller = UpgradeTest.Poller.start(cluster.gateway() + "/api/items");

        Cli.Result upgrade = upgrade("1.3.1-broken");

        assertThat(poller.stop()).isEmpty();
        assertThat(poller.pagesSeen()).as("clients saw the status page").isZero();
        assertThat(upgrade.exitCode()).as("%s", upgrade).isEqualTo(1);
        assertThat(upgrade.err()).contains("rolled back to 1.1.0 without a restore");
        assertThat(cluster.nodeVersions()).containsOnly("ready 1.1.0");
        assertThat(items()).hasSize(ITEMS);
    }

    /**
     * The first node of 1.3.0 gets ready but fails a configured check: it rolls back, and no client
     * request ever reached it, since a new node joins the rotation only once verified.
     */
    @Test
    @Order(3)
    void aNodeThatFailsAConfiguredCheckNeverServesAClientAndRollsBack() throws Exception {
        Path config = cluster.home().resolve("pitstop.yml");
        Files.writeString(config, """
                checks:
                  - path: /api/info
                    body-contains: '{"version":"1.1.0"'
                """);
        // The node's release comes first; a plugin's version there is the database's, still 1.1.0 meanwhile.
        UpgradeTest.Poller poller = UpgradeTest.Poller.start(cluster.gateway() + "/api/info",
                body -> !body.startsWith("{\"version\":\"1.1.0\""));
        Cli.Result upgrade;
        try {
            upgrade = upgrade("1.3.0");
        } finally {
            Files.delete(config);
        }

        assertThat(poller.stop()).as("errors, or answers of a node not of 1.1.0").isEmpty();
        assertThat(upgrade.exitCode()).as("%s", upgrade).isEqualTo(1);
        assertThat(upgrade.err()).contains("rolled back to 1.1.0 without a restore", "check", "failed on node-1");
        assertThat(cluster.nodeVersions()).containsOnly("ready 1.1.0");
    }

    @Test
    @Order(4)
    void upgradesOnlineWhileClientsSeeOnly200AndKeepTheirData() throws Exception {
        Cli.Result plan = upgrade("1.3.0", "--plan");
        assertThat(plan.exitCode()).as("%s", plan).isZero();
        assertThat(plan.out()).contains("Mode: online allowed");
        UpgradeTest.Poller poller = UpgradeTest.Poller.start(cluster.gateway() + "/api/items");

        Cli.Result upgrade = upgrade("1.3.0");

        assertThat(poller.stop()).isEmpty();
        assertThat(poller.pagesSeen()).as("clients saw the status page").isZero();
        assertThat(upgrade.exitCode()).as("%s", upgrade).isZero();
        assertThat(upgrade.out()).contains("upgraded to 1.3.0 online");
        assertThat(upgrade.err()).as("Flyway warned between the step lines").doesNotContain("deprecated");
        assertThat(cluster.nodeVersions()).containsOnly("ready 1.3.0");
        JsonNode items = items();
        assertThat(items).hasSize(ITEMS);
        for (JsonNode item : items) {
            assertThat(item.path("sku").asText()).isEqualTo("ITEM-" + item.path("id").asText());
            assertThat(item.path("slug").asText()).isEqualTo(item.path("name").asText());
        }
        assertThat(Http.post(cluster.gateway() + "/api/items", Http.item("New Item")).body()).contains("\"slug\":\"new item\"");
    }

    private Cli.Result upgrade(String release, String... more) throws Exception {
        String[] args = new String[4 + more.length];
        args[0] = "upgrade";
        args[1] = "--to";
        args[2] = Demo.release(release).toString();
        args[3] = "--online";
        System.arraycopy(more, 0, args, 4, more.length);
        return cluster.cli().run(Cli.SQL_PARSER, args);
    }

    private JsonNode items() {
        return Http.json(Http.get(cluster.gateway() + "/api/items"));
    }
}
