package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
import dev.pitstop.testing.WebSocketInbox;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real nodes of the demo release, with the demo's WebSocket plugin (echo), behind the built-in
 * gateway, shared by the tests in order; the last one kills a node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayClusterTest {

    private static final String BYPASS = "bypass-token-for-tests";
    private static final HttpClient WS_CLIENT = HttpClient.newHttpClient();

    @TempDir
    static Path releases;

    private final List<NodeProcess> nodes = new ArrayList<>();
    private HikariDataSource pool;
    private Gateway gateway;
    private Cluster cluster;
    private DbSettings db;
    private Path release;

    @BeforeAll
    void startCluster() throws IOException {
        db = TestDatabase.create();
        release = Demo.releaseWith(releases, "1.0.0", "echo-1.0.0.jar");
        nodes.add(NodeProcess.start(release, db, "node-1"));
        nodes.get(0).awaitReady();
        for (int i = 2; i <= 3; i++) {
            nodes.add(NodeProcess.start(release, db, "node-" + i));
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
    void aWebSocketUpgradeGetsTheStatusPageInMaintenanceUnlessBypassed() throws Exception {
        cluster.setMaintenance(true, null, 120);
        awaitTrue("gateway shows the page", Duration.ofSeconds(1), () -> Http.get(gateway() + "/api/items").statusCode() == 503);

        CompletionException refused = assertThrows(CompletionException.class,
                () -> webSocket("/api/echo/lobby", new WebSocketInbox()));
        WebSocketInbox operator = new WebSocketInbox();
        WebSocket bypassed = webSocket("/api/echo/lobby", operator, "X-Pitstop-Bypass", BYPASS);
        bypassed.sendText("checking", true).join();
        String answer = operator.next();
        bypassed.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        cluster.setMaintenance(false, null, 30);
        awaitTrue("gateway serves again", Duration.ofSeconds(1), () -> Http.get(gateway() + "/api/items").statusCode() == 200);

        assertThat(refused.getCause()).isInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode()).isEqualTo(503);
        assertThat(answer).matches("lobby node-\\d: checking");
    }

    @Test
    @Order(5)
    void aWebSocketEchoesThroughTheGatewayOutlivesOtherNodesRestartsAndGets1001WhenItsNodeDrains() throws Exception {
        WebSocketInbox mine = new WebSocketInbox();
        WebSocket socket = webSocket("/api/echo/lobby", mine);
        socket.sendText("hello", true).join();
        String hello = mine.next();
        String myNode = nodeOf(hello);
        // The gateway takes nodes in turn: a few more connections land on the two others.
        Map<String, WebSocketInbox> onOthers = new HashMap<>();
        for (int attempt = 0; attempt < 10 && onOthers.size() < 2; attempt++) {
            WebSocketInbox other = new WebSocketInbox();
            WebSocket otherSocket = webSocket("/api/echo/lobby", other);
            otherSocket.sendText("who", true).join();
            String node = nodeOf(other.next());
            if (node.equals(myNode) || onOthers.containsKey(node)) {
                otherSocket.sendClose(WebSocket.NORMAL_CLOSURE, "not needed").join();
            } else {
                onOthers.put(node, other);
            }
        }
        assertThat(onOthers).as("connections on the other nodes").hasSize(2);

        List<NodeProcess> others = nodes.stream().filter(n -> !n.id().equals(myNode)).toList();
        restart(others);
        socket.sendText("still here", true).join();
        String afterRestarts = mine.next();
        NodeProcess own = nodes.stream().filter(n -> n.id().equals(myNode)).findFirst().orElseThrow();
        restart(List.of(own));

        assertThat(hello).isEqualTo("lobby " + myNode + ": hello");
        for (Map.Entry<String, WebSocketInbox> other : onOthers.entrySet()) {
            assertThat(other.getValue().closeCode()).as("closed as " + other.getKey() + " drained")
                    .isEqualTo(1001);
        }
        assertThat(afterRestarts).isEqualTo("lobby " + myNode + ": still here");
        assertThat(mine.closeCode()).as("closed as its own node drained").isEqualTo(1001);
    }

    @Test
    @Order(6)
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

    /** Last: the cluster has no echo plugin afterwards. */
    @Test
    @Order(7)
    void disablingAPluginClosesItsOpenWebSocketsWith1001() throws Exception {
        WebSocketInbox inbox = new WebSocketInbox();
        WebSocket socket = webSocket("/api/echo/lobby", inbox);
        socket.sendText("before", true).join();
        String before = inbox.next();
        NodeProcess serving = nodes.stream().filter(n -> n.id().equals(nodeOf(before))).findFirst().orElseThrow();

        HttpResponse<String> disabled = Http.post(serving.url() + "/admin/plugins/echo/disable", Map.of(),
                "Authorization", "Bearer admin-token-for-tests");

        assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
        assertThat(inbox.closeCode()).as("closed as the plugin stopped on its node").isEqualTo(1001);
        // The other nodes unload it as they are notified; every node stays in rotation, refusing the route.
        awaitTrue("no node serves the route", Duration.ofSeconds(10), () -> handshakeStatus("/api/echo/lobby") == 404);
        assertThat(gateway.nodesInRotation()).containsExactlyInAnyOrder("node-1", "node-3");
    }

    /**
     * The HTTP status a WebSocket handshake gets; 101 when the connection opened (it is closed again,
     * unless the node closed it first, its plugin stopping meanwhile).
     */
    private int handshakeStatus(String path) {
        WebSocket probe;
        try {
            probe = webSocket(path, new WebSocketInbox());
        } catch (CompletionException e) {
            return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
        }
        probe.abort();
        return 101;
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

    /** Drains and stops the nodes, together, then starts them again and waits until all three are back in rotation. */
    private void restart(List<NodeProcess> stopping) throws InterruptedException {
        List<Thread> stops = new ArrayList<>();
        for (NodeProcess node : stopping) {
            Thread stop = new Thread(() -> {
                try {
                    node.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "stop " + node.id());
            stop.start();
            stops.add(stop);
        }
        for (Thread stop : stops) {
            stop.join();
        }
        for (NodeProcess node : stopping) {
            nodes.set(nodes.indexOf(node), NodeProcess.start(release, db, node.id()));
        }
        nodes.forEach(NodeProcess::awaitReady);
        awaitTrue("all nodes back in rotation", Duration.ofSeconds(10), () -> gateway.nodesInRotation().size() == 3);
    }

    private WebSocket webSocket(String path, WebSocketInbox listener, String... headers) {
        WebSocket.Builder builder = WS_CLIENT.newWebSocketBuilder();
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder.buildAsync(URI.create("ws://127.0.0.1:" + gateway.port() + path), listener).join();
    }

    /** The node named in an echo: {@code ROOM NODE: MESSAGE}. */
    private static String nodeOf(String echo) {
        return echo.split(" ")[1].replace(":", "");
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
