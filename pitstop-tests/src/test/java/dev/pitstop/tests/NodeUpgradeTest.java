package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.pitstop.control.Cluster;
import dev.pitstop.control.Installations;
import dev.pitstop.db.Database;
import dev.pitstop.db.DbSettings;
import dev.pitstop.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A node of a newer release changes the schema only when a procedure authorised that release. */
class NodeUpgradeTest {

    private final List<NodeProcess> nodes = new ArrayList<>();
    private DbSettings db;
    private HikariDataSource pool;
    private Cluster cluster;

    @BeforeEach
    void installOneZero() throws InterruptedException {
        db = TestDatabase.create();
        NodeProcess first = start("1.0.0", "node-1");
        first.awaitReady();
        for (String name : List.of("a", "b")) {
            Http.post(first.url() + "/api/items", Http.item(name));
        }
        first.close();
        pool = Database.pool(db, "test", 2);
        cluster = new Cluster(pool);
    }

    @AfterEach
    void stop() throws InterruptedException {
        NodeProcess.closeAll(nodes);
        pool.close();
    }

    @Test
    void anAuthorisedNodeUpgradesAndBackfills() throws Exception {
        NodeProcess unauthorised = start("1.1.0", "node-2");
        unauthorised.awaitState("incompatible", Duration.ofSeconds(60));
        unauthorised.close();

        cluster.setUpgradeTarget("1.1.0");
        NodeProcess upgrader = start("1.1.0", "node-3");
        upgrader.awaitReady();

        assertThat(new Installations(pool).installedVersion()).hasValue("1.1.0");
        JsonNode items = Http.json(Http.get(upgrader.url() + "/api/items"));
        assertThat(items).hasSize(2);
        for (JsonNode item : items) {
            assertThat(item.get("sku").asText()).isEqualTo("ITEM-" + item.get("id").asLong());
        }
        JsonNode created = Http.json(Http.post(upgrader.url() + "/api/items", Http.item("c")));
        assertThat(created.get("sku").asText()).isEqualTo("ITEM-" + created.get("id").asLong());
        assertThat(Http.json(Http.get(upgrader.url() + "/api/info")).get("plugins").toString())
                .isEqualTo("[{\"id\":\"items\",\"version\":\"1.1.0\",\"enabled\":true}]");
        assertThat(TestDatabase.count(db, "SELECT count(*) FROM pitstop.installations WHERE kind = 'upgrade'"
                + " AND completed_at IS NOT NULL")).isEqualTo(1);
    }

    @Test
    void aFailingMigrationLeavesTheNodeFailedAndTheSchemaAsItWas() throws Exception {
        cluster.setUpgradeTarget("1.1.0");
        start("1.1.0", "node-2").awaitReady();
        String columns = columns();

        cluster.setUpgradeTarget("1.2.0-broken");
        NodeProcess broken = start("1.2.0-broken", "node-3");
        JsonNode health = broken.awaitState("failed", Duration.ofSeconds(60));

        assertThat(health.get("message").asText()).contains("plugin items", "V4__", "demo: broken migration");
        assertThat(new Installations(pool).installedVersion()).hasValue("1.1.0");
        assertThat(columns()).isEqualTo(columns);
        assertThat(Http.get(broken.url() + "/api/items").statusCode()).isEqualTo(503);
    }

    private NodeProcess start(String release, String id) {
        NodeProcess node = NodeProcess.start(Demo.release(release), db, id);
        nodes.add(node);
        return node;
    }

    private String columns() throws Exception {
        try (Connection c = TestDatabase.connect(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT string_agg(table_name || '.' || column_name, ',' ORDER BY 1)"
                     + " FROM information_schema.columns WHERE table_schema = 'app'")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
