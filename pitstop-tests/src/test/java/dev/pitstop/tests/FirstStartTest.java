package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitstop.db.DbSettings;
import dev.pitstop.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The first-start rule, enforced by the nodes themselves: one installs, the others wait. */
class FirstStartTest {

    private final List<NodeProcess> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() throws InterruptedException {
        NodeProcess.closeAll(nodes);
    }

    @Test
    void threeNodesStartedAtOnceInstallExactlyOnce() throws Exception {
        DbSettings db = TestDatabase.create();
        for (int i = 1; i <= 3; i++) {
            nodes.add(NodeProcess.start(Demo.release("1.0.0"), db, "node-" + i));
        }

        nodes.forEach(NodeProcess::awaitReady);

        assertThat(TestDatabase.count(db, "SELECT count(*) FROM pitstop.installations")).isEqualTo(1);
        assertThat(TestDatabase.count(db, "SELECT count(*) FROM pitstop.installations WHERE completed_at IS NOT NULL"))
                .isEqualTo(1);
        List<JsonNode> infos = nodes.stream().map(n -> Http.json(Http.get(n.url() + "/api/info"))).toList();
        for (JsonNode info : infos) {
            assertThat(info.get("version").asText()).isEqualTo("1.0.0");
            assertThat(info.get("plugins")).isEqualTo(infos.get(0).get("plugins"));
        }
        assertThat(infos.get(0).get("plugins").toString())
                .isEqualTo("[{\"id\":\"items\",\"version\":\"1.0.0\",\"enabled\":true}]");
        long waiters = nodes.stream().filter(n -> n.log().contains("Waiting for node-")).count();
        long installers = nodes.stream().filter(n -> n.log().contains("installs release 1.0.0")).count();
        assertThat(installers).isEqualTo(1);
        assertThat(waiters).as("nodes that logged whom they wait for").isLessThanOrEqualTo(2);
    }

    @Test
    void nodeKilledDuringInstallationLeavesTheNextNodeToFinish(@TempDir Path dir) throws Exception {
        DbSettings db = TestDatabase.create();
        Path release = Demo.releaseWith(dir, "1.0.0", "slow-1.0.0.jar");
        nodes.add(NodeProcess.start(release, db, "node-a"));
        nodes.add(NodeProcess.start(release, db, "node-b"));
        NodeProcess installer = awaitInstaller();
        NodeProcess waiter = nodes.get(0) == installer ? nodes.get(1) : nodes.get(0);
        awaitLog(waiter, "Waiting for " + installer.id());

        installer.kill();
        waiter.awaitReady();

        assertThat(TestDatabase.count(db, "SELECT count(*) FROM pitstop.installations WHERE completed_at IS NOT NULL"))
                .isEqualTo(1);
        assertThat(TestDatabase.count(db, "SELECT count(*) FROM pitstop.installations WHERE node_id = '" + waiter.id()
                + "' AND completed_at IS NOT NULL")).isEqualTo(1);
        assertThat(pluginStates(db)).isEqualTo(Map.of("items", "1.0.0 enabled", "slow", "1.0.0 enabled"));
        for (String history : List.of("core_schema_history", "plugin_items_schema_history", "plugin_slow_schema_history")) {
            assertThat(TestDatabase.count(db, "SELECT count(*) FROM app." + history + " WHERE NOT success"))
                    .as("failed migrations in " + history).isZero();
        }
        assertThat(Http.post(waiter.url() + "/api/items", Http.item("after the crash")).statusCode()).isEqualTo(201);
    }

    /** The node that took the install lock, once it reports it is installing. */
    private NodeProcess awaitInstaller() {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (NodeProcess node : nodes) {
                try {
                    if ("installing".equals(Http.json(Http.get(node.url() + "/health/ready")).path("state").asText())) {
                        return node;
                    }
                } catch (java.io.UncheckedIOException notListeningYet) {
                    // the node's JVM is still starting
                }
            }
            NodeProcess.sleep(50);
        }
        throw new AssertionError("no node started installing:\n" + nodes.get(0).log() + "\n" + nodes.get(1).log());
    }

    @Test
    void nodeOfAnotherReleaseStaysIncompatibleAndServesNothing() throws Exception {
        DbSettings db = TestDatabase.create();
        NodeProcess installed = NodeProcess.start(Demo.release("1.0.0"), db, "node-1");
        nodes.add(installed);
        installed.awaitReady();
        NodeProcess newer = NodeProcess.start(Demo.release("1.1.0"), db, "node-2");
        nodes.add(newer);

        JsonNode health = newer.awaitState("incompatible", Duration.ofSeconds(60));

        assertThat(Http.get(newer.url() + "/health/ready").statusCode()).isEqualTo(503);
        assertThat(health.get("message").asText()).contains("1.1.0", "1.0.0", "pitstop upgrade");
        assertThat(Http.get(newer.url() + "/api/items").statusCode()).isEqualTo(503);
        assertThat(Http.post(newer.url() + "/api/items", Http.item("x")).statusCode()).isEqualTo(503);
        assertThat(Http.get(installed.url() + "/api/items").statusCode()).isEqualTo(200);
        assertThat(TestDatabase.count(db, "SELECT count(*) FROM information_schema.columns"
                + " WHERE table_schema = 'app' AND table_name = 'items' AND column_name = 'sku'")).isZero();
    }

    @Test
    void aStoppingNodeFinishesItsInFlightRequestsAndDeregisters(@TempDir Path dir) throws Exception {
        DbSettings db = TestDatabase.create();
        NodeProcess node = NodeProcess.start(Demo.releaseWith(dir, "1.0.0", "slow-1.0.0.jar"), db, "node-1");
        nodes.add(node);
        node.awaitReady();
        var inFlight = java.util.concurrent.CompletableFuture.supplyAsync(() -> Http.get(node.url() + "/api/slow/3000"));
        NodeProcess.sleep(500);

        node.close();

        assertThat(inFlight.get().statusCode()).isEqualTo(200);
        assertThat(node.isAlive()).isFalse();
        assertThat(TestDatabase.count(db, "SELECT count(*) FROM pitstop.nodes WHERE id = 'node-1' AND state = 'stopped'"))
                .isEqualTo(1);
    }

    private static Map<String, String> pluginStates(DbSettings db) throws Exception {
        Map<String, String> states = new TreeMap<>();
        try (Connection c = TestDatabase.connect(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, version, enabled FROM app.plugins")) {
            while (rs.next()) {
                states.put(rs.getString(1), rs.getString(2) + (rs.getBoolean(3) ? " enabled" : " disabled"));
            }
        }
        return states;
    }

    private static void awaitLog(NodeProcess node, String text) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!node.log().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(node.id() + " never logged '" + text + "':\n" + node.log());
            }
            NodeProcess.sleep(100);
        }
    }
}
