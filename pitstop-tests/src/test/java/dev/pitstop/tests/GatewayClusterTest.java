package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.pitstop.control.Cluster;
import dev.pitstop.control.StatusPage;
import dev.pitstop.control.Tokens;
import dev.pitstop.db.Database;
import dev.pitstop.db.DbSettings;
import dev.pitstop.gateway.Gateway;
import dev.pitstop.gateway.GatewayConfig;
import dev.pitstop.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three real nodes of the demo release behind the built-in gateway, shared by the tests in order;
 * the last one kills a node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayClusterTest {

    private static final String BYPASS = "bypass-token-for-tests";

    private final List<NodeProcess> nodes = new ArrayList<>();
    private HikariDataSource pool;
    private Gateway gateway;
    private Cluster cluster;

    @BeforeAll
    void startCluster() {
        DbSettings db = TestDatabase.create();
        nodes.add(NodeProcess.start(Demo.release("1.0.0"), db, "node-1"));
        nodes.get(0).awaitReady();
        for (int i = 2; i <= 3; i++) {
            nodes.add(NodeProcess.start(Demo.release("1.0.0"), db, "node-" + i));
        }
        nodes.forEach(NodeProcess::awaitReady);
        pool = Database.pool(db, "test", 2);
        cluster = new Cluster(pool);
        cluster.setTokenHashes(Tokens.hash("admin-token-for-tests"), Tokens.hash(BYPASS));
        gateway = Gateway.start(GatewayConfig.defaults().withPort(0), pool, db);
        awaitTrue("all nodes in rotation", Duration.ofSeconds(10), () -> gateway.nodesInRotation().size() == 3);
    }

    @AfterAll
    void stopCluster() throws InterruptedException {
        if (gateway != null) {
            gateway.close();
        }
        NodeProcess.closeAll(nodes);
        if (pool != null) {
            pool.close();
        }
    }

    @Test
    @Order(1)
    void anItemCreatedThroughTheGatewayIsReadableFromEveryNode() {
        HttpResponse<String> created = Http.post(gateway() + "/api/items", Http.item("spanner"));
        assertThat(created.statusCode()).isEqualTo(201);
        long id = Http.json(created).get("id").asLong();

        for (NodeProcess node : nodes) {
            JsonNode item = Http.json(Http.get(node.url() + "/api/items/" + id));
            assertThat(item.get("name").asText()).as(node.id()).isEqualTo("spanner");
        }
    }

    @Test
    @Order(4)
    void aKilledNodeCostsClientsNothingAndLeavesTheRotation() throws Exception {
        Http.post(gateway() + "/api/items", Http.item("bolt"));
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        List<String> errors = new ArrayList<>();
        Thread client = new Thread(() -> {
            while (running.get()) {
                try {
                    int status = Http.get(gateway() + "/api/items").statusCode();
                    if (status == 200) {
                        ok.incrementAndGet();
                    } else {
                        errors.add("status " + status);
                    }
                } catch (RuntimeException e) {
                    errors.add(e.toString());
                }
            }
        });
        client.start();
        awaitTrue("client running", Duration.ofSeconds(30), () -> ok.get() > 20);

        nodes.get(1).kill();
        awaitTrue("node-2 out of rotation", Duration.ofSeconds(3), () -> !gateway.nodesInRotation().contains("node-2"));
        int before = ok.get();
        awaitTrue("client still served", Duration.ofSeconds(30), () -> ok.get() > before + 50);
        running.set(false);
        client.join();

        assertThat(errors).isEmpty();
        assertThat(gateway.nodesInRotation()).containsExactlyInAnyOrder("node-1", "node-3");
    }

    @Test
    @Order(3)
    void theMaintenancePageIsServedByGatewayAndNodesUntilTakenDown() {
        cluster.setMaintenance(true, null, 120);

        awaitTrue("gateway shows the page", Duration.ofSeconds(1), () -> Http.get(gateway() + "/api/items").statusCode() == 503);
        List<String> targets = new ArrayList<>(List.of(gateway()));
        nodes.forEach(n -> targets.add(n.url()));
        for (String target : targets) {
            awaitTrue(target + " shows the page", Duration.ofSeconds(1), () -> Http.get(target + "/api/items").statusCode() == 503);
            HttpResponse<String> page = Http.get(target + "/api/items");
            assertThat(page.headers().firstValue("Retry-After")).as(target).hasValue("120");
            assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
            assertThat(page.body()).isEqualTo(StatusPage.DEFAULT_HTML);
            HttpResponse<String> bypassed = Http.get(target + "/api/items", "X-Pitstop-Bypass", BYPASS);
            assertThat(bypassed.statusCode()).as(target + ": " + bypassed.body()).isEqualTo(200);
            assertThat(Http.get(target + "/api/items", "X-Pitstop-Bypass", "wrong").statusCode()).as(target).isEqualTo(503);
        }
        for (NodeProcess node : nodes) {
            assertThat(Http.get(node.url() + "/health/live").statusCode()).isEqualTo(200);
            assertThat(Http.get(node.url() + "/health/ready").statusCode()).isEqualTo(200);
            assertThat(Http.get(node.url() + "/admin/node", "Authorization", "Bearer admin-token-for-tests").statusCode())
                    .isEqualTo(200);
        }

        cluster.setMaintenance(true, "<h1>Back at noon</h1>", 60);
        awaitTrue("custom page", Duration.ofSeconds(1), () -> Http.get(gateway() + "/api/items").body().contains("Back at noon"));
        cluster.setMaintenance(false, null, 30);

        for (String target : targets) {
            awaitTrue(target + " serves again", Duration.ofSeconds(1), () -> Http.get(target + "/api/items").statusCode() == 200);
        }
    }

    @Test
    @Order(2)
    void theAdminApiNeedsTheBearerToken() {
        NodeProcess node = nodes.get(0);
        assertThat(Http.get(node.url() + "/admin/node").statusCode()).isEqualTo(401);
        assertThat(Http.get(node.url() + "/admin/node", "Authorization", "Bearer nope").statusCode()).isEqualTo(401);
        awaitTrue("token hash reached the node", Duration.ofSeconds(1),
                () -> Http.get(node.url() + "/admin/node", "Authorization", "Bearer admin-token-for-tests").statusCode() == 200);
    }

    private String gateway() {
        return "http://127.0.0.1:" + gateway.port();
    }

    private static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + timeout);
            }
            NodeProcess.sleep(20);
        }
    }
}
