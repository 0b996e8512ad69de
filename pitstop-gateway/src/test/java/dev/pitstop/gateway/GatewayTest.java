package dev.pitstop.gateway;

import static java.util.function.Function.identity;
import static java.util.stream.Collectors.counting;
import static java.util.stream.Collectors.groupingBy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.control.Cluster;
import dev.pitstop.control.ControlSchema;
import dev.pitstop.control.NodeRegistry;
import dev.pitstop.control.NodeState;
import dev.pitstop.control.StatusPage;
import dev.pitstop.control.Tokens;
import dev.pitstop.db.DbSettings;
import dev.pitstop.http.DevCertificate;
import dev.pitstop.http.Pem;
import dev.pitstop.http.TlsSettings;
import dev.pitstop.testing.WebSocketInbox;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GatewayTest {

    /** Health checks often enough that a test never waits long for the rotation to settle. */
    private static final Duration FREQUENT = Duration.ofMillis(100);
    /**
     * One health check round at start and none after it, so that a dead node stays in rotation
     * until a request finds it dead: what passive failure detection and retries must handle.
     */
    private static final Duration ONCE = Duration.ofHours(1);
    /**
     * How long a test waits for the rotation or the cluster's mode to change before it fails: a
     * deadline for a condition, generous for a busy machine, not a claim about speed (the
     * benchmarks measure that).
     */
    private static final Duration ROTATION_BOUND = Duration.ofSeconds(30);
    private static final Duration MODE_BOUND = Duration.ofSeconds(30);
    /**
     * How long a node may take to answer a health check. Generous: with {@link #ONCE} there is a
     * single check, and one that times out on a busy machine would leave the node out for good.
     */
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(10);

    private static EmbeddedPostgres postgres;
    private static DataSource controlDb;
    private static DbSettings db;
    private static final HttpClient http = HttpClient.newHttpClient();

    private final Cluster cluster = new Cluster(controlDb);
    private final List<AutoCloseable> started = new ArrayList<>();
    private Gateway gateway;

    @BeforeAll
    static void startDatabase() throws Exception {
        postgres = EmbeddedPostgres.start();
        controlDb = postgres.getPostgresDatabase();
        db = new DbSettings(postgres.getJdbcUrl("postgres", "postgres"), "postgres", null);
        ControlSchema.migrate(controlDb);
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void resetControlSchema() throws Exception {
        try (Connection c = controlDb.getConnection(); Statement st = c.createStatement()) {
            st.execute("DELETE FROM pitstop.nodes");
        }
        cluster.setMaintenance(false, null, 30);
        cluster.setTokenHashes(null, null);
    }

    @AfterEach
    void stopEverything() throws Exception {
        Collections.reverse(started);
        for (AutoCloseable each : started) {
            each.close();
        }
    }

    @Test
    void spreadsRequestsRoundRobinOverReadyNodes() throws Exception {
        node("a");
        node("b");
        node("c");
        startGateway(FREQUENT);
        awaitRotation("a", "b", "c");

        Map<String, Long> servedBy = IntStream.range(0, 30).mapToObj(i -> okBody("/"))
                .collect(groupingBy(identity(), counting()));

        // Exactly 10 each unless a health check under load takes a node out for a moment.
        assertThat(servedBy).containsOnlyKeys("a", "b", "c");
        assertThat(Collections.max(servedBy.values()) - Collections.min(servedBy.values())).isLessThanOrEqualTo(2);
    }

    @Test
    void tellsNodesWhoTheClientIs() throws Exception {
        TestNode a = node("a");
        startGateway(FREQUENT);
        awaitRotation("a");

        okBody("/");

        assertThat(a.lastHeaders.get("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(a.lastHeaders.get("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(a.lastHeaders.get("Forwarded")).contains("for=\"127.0.0.1\"");
    }

    @Test
    void replacesWhatAClientSaysOfItselfUnlessAProxyInFrontIsTrusted() throws Exception {
        TestNode a = node("a");
        startGateway(FREQUENT);
        awaitRotation("a");

        send("GET", "/", null, "X-Forwarded-For", "203.0.113.9", "Forwarded", "for=203.0.113.9");

        assertThat(a.lastHeaders.get("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(a.lastHeaders.get("Forwarded")).isEqualTo("for=\"127.0.0.1\";proto=http");

        gateway.close();
        gateway = Gateway.start(config(FREQUENT).withTrustForwardedFor(true), controlDb, db);
        started.add(gateway);
        awaitRotation("a");
        send("GET", "/", null, "X-Forwarded-For", "203.0.113.9");

        assertThat(a.lastHeaders.get("X-Forwarded-For")).isEqualTo("203.0.113.9, 127.0.0.1");
    }

    @Test
    void killedNodeLeavesRotationWhileALoopOfGetsSeesNoError() throws Exception {
        node("a");
        TestNode b = node("b");
        node("c");
        startGateway(FREQUENT);
        awaitRotation("a", "b", "c");
        AtomicBoolean looping = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        List<String> errors = new CopyOnWriteArrayList<>();
        Thread client = new Thread(() -> {
            while (looping.get()) {
                try {
                    HttpResponse<String> response = send("GET", "/", null);
                    if (response.statusCode() == 200) {
                        answered.incrementAndGet();
                    } else {
                        errors.add(response.statusCode() + " " + response.body());
                    }
                } catch (Exception e) {
                    errors.add(e.toString());
                }
            }
        });
        client.start();
        try {
            await(Duration.ofSeconds(5), () -> answered.get() >= 20, () -> "the client loop to get going");

            b.stop();
            awaitRotation("a", "c");
            int beforeSettled = answered.get();
            await(Duration.ofSeconds(5), () -> answered.get() >= beforeSettled + 20,
                    () -> "more answers after b left");
        } finally {
            looping.set(false);
            client.join();
        }

        assertThat(errors).isEmpty();
    }

    @Test
    void nodeNotAnsweringReadyGetsNoTraffic() throws Exception {
        TestNode a = node("a");
        TestNode b = node("b");
        b.readyStatus = 503;
        startGateway(FREQUENT);
        awaitRotation("a");

        IntStream.range(0, 10).forEach(i -> assertThat(okBody("/")).isEqualTo("a"));
        assertThat(b.served).hasValue(0);

        a.readyStatus = 503;
        awaitRotation();
        assertThat(a.served).hasValue(10);
    }

    /** A procedure holds a node out until it verified it: ready is not enough, and the hold outlives a restart. */
    @Test
    void aNodeHeldByAProcedureGetsNoTrafficThoughReadyUntilReleased() throws Exception {
        NodeRegistry registry = new NodeRegistry(controlDb);
        node("a");
        TestNode b = node("b");
        startGateway(FREQUENT);
        awaitRotation("a", "b");

        registry.hold("b", "being replaced");
        awaitRotation("a");
        registry.register("b", b.url(), "1.1.0", NodeState.READY);
        int servedBefore = b.served.get();
        IntStream.range(0, 10).forEach(i -> assertThat(okBody("/")).isEqualTo("a"));

        assertThat(b.served).hasValue(servedBefore);
        assertThat(registry.list()).filteredOn(node -> node.id().equals("b")).singleElement()
                .satisfies(node -> assertThat(node.held()).isEqualTo("being replaced"));
        registry.release("b");
        awaitRotation("a", "b");
    }

    @Test
    void answers503WhenNoNodeIsReady() throws Exception {
        node("a").readyStatus = 503;
        startGateway(FREQUENT);

        HttpResponse<String> response = send("GET", "/", null);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(response.body()).contains("no node");
    }

    @Test
    void browsersGetTheTemporarilyUnavailablePageWhenNoNodeIsReady() throws Exception {
        node("a").readyStatus = 503;
        startGateway(FREQUENT);

        HttpResponse<String> response = send("GET", "/", null, "Accept", "text/html,application/xhtml+xml");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type)
                .startsWith("text/html"));
        assertThat(response.body()).contains("<h1>Temporarily unavailable</h1>");
    }

    @Test
    void idempotentRequestsToADeadNodeAreRetriedOnAnother() throws Exception {
        node("a");
        TestNode b = node("b");
        startGateway(ONCE);
        awaitRotation("a", "b");

        b.stop();

        // Round robin sends one of each pair to b, which is still in rotation for the first.
        assertThat(send("PUT", "/echo", "payload").body()).isEqualTo("a:payload");
        assertThat(send("PUT", "/echo", "payload").body()).isEqualTo("a:payload");
        assertThat(okBody("/")).isEqualTo("a");
        assertThat(okBody("/")).isEqualTo("a");
        assertThat(gateway.nodesInRotation()).containsExactly("a");
    }

    @Test
    void postToADeadNodeIsNotRetried() throws Exception {
        TestNode a = node("a");
        TestNode b = node("b");
        startGateway(ONCE);
        awaitRotation("a", "b");

        b.stop();
        List<HttpResponse<String>> responses = List.of(send("POST", "/echo", "order"), send("POST", "/echo", "order"));

        assertThat(responses).extracting(HttpResponse::statusCode).containsExactlyInAnyOrder(200, 502);
        assertThat(responses).filteredOn(r -> r.statusCode() == 502).singleElement()
                .extracting(HttpResponse::body).asString().contains("POST is not idempotent");
        assertThat(a.served).as("the failed POST was not sent to a").hasValue(1);
        assertThat(gateway.nodesInRotation()).containsExactly("a");
    }

    @Test
    void maintenanceAnswersTheDefaultStatusPage() throws Exception {
        node("a");
        startGateway(FREQUENT);
        awaitRotation("a");

        cluster.setMaintenance(true, null, 42);
        HttpResponse<String> response = awaitStatus(503, "/");

        assertThat(response.headers().firstValue("Retry-After")).hasValue("42");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(response.body()).isEqualTo(StatusPage.DEFAULT_HTML);
        assertThat(send("GET", "/admin/plugins", null).statusCode())
                .as("the admin API, guarded by the nodes' token, stays reachable").isEqualTo(200);

        cluster.setMaintenance(false, null, 42);
        assertThat(awaitStatus(200, "/").body()).isEqualTo("a");
    }

    @Test
    void maintenanceAnswersTheOperatorsPage() throws Exception {
        node("a");
        startGateway(FREQUENT);
        awaitRotation("a");

        cluster.setMaintenance(true, "<h1>Back at noon</h1>", 7);
        HttpResponse<String> response = awaitStatus(503, "/");

        assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(response.body()).isEqualTo("<h1>Back at noon</h1>");
    }

    @Test
    void bypassTokenPassesMaintenanceAndAWrongOneDoesNot() throws Exception {
        TestNode a = node("a");
        startGateway(FREQUENT);
        awaitRotation("a");
        cluster.setTokenHashes(null, Tokens.hash("operator-secret"));
        cluster.setMaintenance(true, null, 30);
        awaitStatus(503, "/");
        int servedBefore = a.served.get();

        HttpResponse<String> bypassed = send("GET", "/", null, "X-Pitstop-Bypass", "operator-secret");
        HttpResponse<String> wrong = send("GET", "/", null, "X-Pitstop-Bypass", "guess");

        assertThat(bypassed.statusCode()).isEqualTo(200);
        assertThat(bypassed.body()).isEqualTo("a");
        assertThat(a.lastHeaders.get("X-Pitstop-Bypass")).isEqualTo("operator-secret");
        assertThat(wrong.statusCode()).isEqualTo(503);
        assertThat(a.served).hasValue(servedBefore + 1);
    }

    @Test
    void answersAMalformedRequestWithoutJavaText() throws Exception {
        node("a");
        startGateway(FREQUENT);
        awaitRotation("a");

        String answer = raw("GET /%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 400").contains("{\"error\":")
                .doesNotContain("Exception", "org.eclipse", "<html");
    }

    @Test
    void overHttpsAPlainRequestIsRedirectedWhenConfigured(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tls)
            throws Exception {
        node("a");
        DevCertificate.Bundle certificate = DevCertificate.ensure(tls);
        gateway = Gateway.start(config(FREQUENT).withTls(certificate.settings(TlsSettings.PlainHttp.REDIRECT)),
                controlDb, db);
        started.add(gateway);
        awaitRotation("a");

        HttpResponse<String> plain = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                + "/items?x=1")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> secure = HttpClient.newBuilder().sslContext(Pem.trusting(certificate.ca())).build()
                .send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + gateway.port() + "/")).build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(plain.statusCode()).isEqualTo(308);
        assertThat(plain.headers().firstValue("Location")).hasValue("https://127.0.0.1:" + gateway.port() + "/items?x=1");
        assertThat(secure.statusCode()).isEqualTo(200);
        assertThat(secure.body()).isEqualTo("a");
    }

    @Test
    void overHttpsClientsOfferingHttp2GetIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tls) throws Exception {
        TestNode a = node("a");
        DevCertificate.Bundle certificate = DevCertificate.ensure(tls);
        gateway = Gateway.start(config(FREQUENT).withTls(certificate.settings(TlsSettings.PlainHttp.REFUSE)),
                controlDb, db);
        started.add(gateway);
        awaitRotation("a");

        String url = "https://127.0.0.1:" + gateway.port() + "/";
        String h2 = curl("--http2", "--cacert", certificate.ca().toString(), "-w", " %{http_version}", url);
        String viaH2 = a.lastHeaders.get("Via");
        String h1 = curl("--http1.1", "--cacert", certificate.ca().toString(), "-w", " %{http_version}", url);
        String viaH1 = a.lastHeaders.get("Via");

        assertThat(h2).isEqualTo("a 2");
        assertThat(viaH2).isEqualTo("2.0 pitstop-gateway");
        assertThat(h1).isEqualTo("a 1.1");
        assertThat(viaH1).isEqualTo("1.1 pitstop-gateway");
    }

    @Test
    void withH2cPlainHttpClientsMaySpeakHttp2AndOthersHttp11OnTheSamePort() throws Exception {
        TestNode a = node("a");
        gateway = Gateway.start(config(FREQUENT).withH2c(true), controlDb, db);
        started.add(gateway);
        awaitRotation("a");

        String url = "http://127.0.0.1:" + gateway.port() + "/";
        String h2c = curl("--http2-prior-knowledge", "-w", " %{http_version}", url);
        String viaH2c = a.lastHeaders.get("Via");
        String h1 = curl("--http1.1", "-w", " %{http_version}", url);

        assertThat(h2c).isEqualTo("a 2");
        assertThat(viaH2c).as("the node is asked over HTTP/1.1, saying the client spoke 2.0").isEqualTo("2.0 pitstop-gateway");
        assertThat(h1).isEqualTo("a 1.1");
    }

    @Test
    void accessLogHasALinePerRequestWithTheNodeAndTheTimeSpent(@org.junit.jupiter.api.io.TempDir java.nio.file.Path logs)
            throws Exception {
        java.nio.file.Path file = logs.resolve("gateway/access.log");
        gateway = Gateway.start(config(FREQUENT).withAccessLog(new AccessLogSettings(file, 3)), controlDb, db);
        started.add(gateway);
        send("GET", "/before?any=node", null, "User-Agent", "first");
        node("a");
        awaitRotation("a");
        send("POST", "/echo", "hello", "User-Agent", "second", "Referer", "http://example.test/form");
        send("GET", "/items", null, "User-Agent", "third");

        await(ROTATION_BOUND, () -> lines(file).size() >= 3, () -> "3 lines in " + file + ", got " + lines(file));
        List<String> lines = lines(file);
        String combined = "127\\.0\\.0\\.1 - - \\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d \\+0000] ";
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).matches(combined + "\"GET /before\\?any=node HTTP/1\\.1\" 503 \\d+ \"\" \"first\" node=- ms=\\d+");
        assertThat(lines.get(1)).matches(combined
                + "\"POST /echo HTTP/1\\.1\" 200 7 \"http://example\\.test/form\" \"second\" node=a ms=\\d+");
        assertThat(lines.get(2)).matches(combined + "\"GET /items HTTP/1\\.1\" 200 1 \"\" \"third\" node=a ms=\\d+");
    }

    private static List<String> lines(java.nio.file.Path file) {
        try {
            return java.nio.file.Files.exists(file) ? java.nio.file.Files.readAllLines(file) : List.of();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aWebSocketStaysOnItsNodeUntilThatNodeStopsAndGets503InMaintenance() throws Exception {
        TestNode a = node("a");
        TestNode b = node("b");
        startGateway(FREQUENT);
        awaitRotation("a", "b");
        URI uri = URI.create("ws://127.0.0.1:" + gateway.port() + "/ws");
        WebSocketInbox received = new WebSocketInbox();
        java.net.http.WebSocket socket = http.newWebSocketBuilder().buildAsync(uri, received).join();

        socket.sendText("one", true).join();
        String first = received.next();
        TestNode mine = first.startsWith("a:") ? a : b;
        TestNode other = mine == a ? b : a;
        other.stop();
        awaitRotation(mine.id);
        socket.sendText("two", true).join();
        String second = received.next();

        cluster.setMaintenance(true, null, 30);
        awaitStatus(503, "/");
        java.util.concurrent.CompletionException refused = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.CompletionException.class,
                () -> http.newWebSocketBuilder().buildAsync(uri, new WebSocketInbox()).join());
        socket.sendText("three", true).join();
        String third = received.next();
        mine.stop();

        assertThat(first).isEqualTo(mine.id + ":one");
        assertThat(second).isEqualTo(mine.id + ":two");
        assertThat(((java.net.http.WebSocketHandshakeException) refused.getCause()).getResponse().statusCode())
                .isEqualTo(503);
        assertThat(third).as("a connection opened before maintenance goes on").isEqualTo(mine.id + ":three");
        assertThat(received.closeCode()).isEqualTo(1001);
    }

    /** Else any client could take every node out of rotation by asking for a path no node upgrades. */
    @Test
    void aWebSocketUpgradeTheNodeDoesNotAcceptIsRefusedAndTheNodeStaysInRotation() throws Exception {
        node("a");
        node("b");
        startGateway(FREQUENT);
        awaitRotation("a", "b");
        URI uri = URI.create("ws://127.0.0.1:" + gateway.port() + "/no-such-socket");

        for (int i = 0; i < 2; i++) {
            java.util.concurrent.CompletionException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.CompletionException.class,
                    () -> http.newWebSocketBuilder().buildAsync(uri, new WebSocketInbox()).join());
            assertThat(((java.net.http.WebSocketHandshakeException) refused.getCause()).getResponse().statusCode())
                    .as("the node answered 200 without upgrading").isEqualTo(502);
        }

        assertThat(gateway.nodesInRotation()).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void aDrainingNodesWebSocketsAreClosedWith1001AfterTheDrainTimeoutThoughTheNodeKeepsThemOpen() throws Exception {
        TestNode a = node("a");
        gateway = Gateway.start(config(FREQUENT).withDrainTimeout(Duration.ofSeconds(1)), controlDb, db);
        started.add(gateway);
        awaitRotation("a");
        WebSocketInbox received = new WebSocketInbox();
        java.net.http.WebSocket socket = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + gateway.port() + "/ws"), received).join();
        socket.sendText("before", true).join();
        String before = received.next();

        // What a node does as it starts draining; this one then keeps its connections open.
        new NodeRegistry(controlDb).setState("a", NodeState.STOPPED, "shutting down");

        assertThat(before).isEqualTo("a:before");
        assertThat(received.closeCode()).isEqualTo(1001);
        assertThat(received.hasUnread()).isFalse();
        assertThat(okBodyFrom(a)).as("the node itself still runs").isEqualTo("a");
    }

    /** A node's answer to a request sent to it directly. */
    private static String okBodyFrom(TestNode node) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(node.url() + "/")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** curl's output; fails on its failure, with what it said. */
    private static String curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
        command.addAll(List.of(args));
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(curl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(curl.waitFor()).as("%s: %s", command, output).isZero();
        return output;
    }

    /** Sends bytes no well-behaved client would, and reads the whole answer. */
    private String raw(String request) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gateway.port())) {
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    private TestNode node(String id) throws Exception {
        TestNode node = TestNode.start(id);
        started.add(node);
        new NodeRegistry(controlDb).register(id, node.url(), "1.0.0", NodeState.READY);
        return node;
    }

    private void startGateway(Duration healthInterval) {
        gateway = Gateway.start(config(healthInterval), controlDb, db);
        started.add(gateway);
    }

    private static GatewayConfig config(Duration healthInterval) {
        return new GatewayConfig("127.0.0.1", 0, healthInterval, NODE_TIMEOUT, Duration.ofSeconds(5), false, null, null,
                GatewayConfig.DEFAULT_DRAIN_TIMEOUT, false);
    }

    private void awaitRotation(String... ids) throws InterruptedException {
        List<String> expected = List.of(ids);
        await(ROTATION_BOUND, () -> gateway.nodesInRotation().equals(expected),
                () -> "rotation " + expected + ", still " + gateway.nodesInRotation());
    }

    private HttpResponse<String> awaitStatus(int status, String path) throws Exception {
        long deadline = System.nanoTime() + MODE_BOUND.toNanos();
        HttpResponse<String> response = send("GET", path, null);
        while (response.statusCode() != status && System.nanoTime() < deadline) {
            Thread.sleep(20);
            response = send("GET", path, null);
        }
        assertThat(response.statusCode()).as("status after waiting up to %s", MODE_BOUND).isEqualTo(status);
        return response;
    }

    private static void await(Duration bound, BooleanSupplier condition, Supplier<String> what)
            throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Waited " + bound + " for " + what.get());
            }
            Thread.sleep(20);
        }
    }

    private String okBody(String path) {
        try {
            HttpResponse<String> response = send("GET", path, null);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return response.body();
        } catch (Exception e) {
            throw new AssertionError("GET " + path + " failed", e);
        }
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
