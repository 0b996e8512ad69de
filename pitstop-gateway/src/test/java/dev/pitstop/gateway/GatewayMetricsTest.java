package dev.pitstop.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.control.ApiTokens;
import dev.pitstop.control.Cluster;
import dev.pitstop.control.ControlSchema;
import dev.pitstop.control.NodeRegistry;
import dev.pitstop.control.NodeState;
import dev.pitstop.control.Role;
import dev.pitstop.control.Tokens;
import dev.pitstop.db.DbSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway's {@code /metrics}: what it proxied, to which node, and what it answered itself. */
class GatewayMetricsTest {

    /** A deadline for a condition on a busy machine, not a claim about speed. */
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final HttpClient http = HttpClient.newHttpClient();

    private final List<AutoCloseable> started = new ArrayList<>();
    private DataSource controlDb;
    private DbSettings db;
    /** A read-only token, as Prometheus would be given. */
    private String token;
    private Gateway gateway;

    /** A database of the test's own, so that its counters start from nothing. */
    @BeforeEach
    void startDatabase() throws Exception {
        EmbeddedPostgres postgres = EmbeddedPostgres.start();
        started.add(postgres);
        controlDb = postgres.getPostgresDatabase();
        db = new DbSettings(postgres.getJdbcUrl("postgres", "postgres"), "postgres", null);
        ControlSchema.migrate(controlDb);
        token = new ApiTokens(controlDb).create("prometheus", Role.VIEWER);
    }

    @AfterEach
    void stopEverything() throws Exception {
        Collections.reverse(started);
        for (AutoCloseable each : started) {
            each.close();
        }
    }

    @Test
    void countsRequestsByNodeRetriesStatusPageBypassAndHealthCheckFailures() throws Exception {
        Cluster cluster = new Cluster(controlDb);
        cluster.setTokenHashes(null, Tokens.hash("operator-secret"));
        TestNode a = node("a");
        TestNode b = node("b");
        // One health check round, so that b, once stopped, stays in rotation until a request finds it dead.
        startGateway(Duration.ofHours(1));
        await(() -> gateway.nodesInRotation().size() == 2, "both nodes in rotation");

        assertThat(send("/metrics", "Authorization", "Bearer guess").statusCode()).isEqualTo(401);
        assertThat(scrape()).contains("pitstop_gateway_backends_in_rotation 2")
                .contains("pitstop_gateway_backends 2");

        for (int i = 0; i < 4; i++) {
            assertThat(send("/").statusCode()).isEqualTo(200);
        }
        b.stop();
        // Round robin sends one of the next two to b, found dead and retried on a.
        send("/");
        send("/");
        cluster.setMaintenance(true, null, 30);
        await(() -> send("/").statusCode() == 503, "the status page");
        assertThat(send("/", "X-Pitstop-Bypass", "operator-secret").statusCode()).isEqualTo(200);

        String metrics = scrape();
        assertThat(metrics)
                // 4 and more: requests sent while waiting for the status page went to a too.
                .containsPattern("pitstop_gateway_requests_seconds_count\\{backend=\"a\",status=\"200\"} ([4-9]|[1-9][0-9]+)\n")
                .contains("pitstop_gateway_requests_seconds_count{backend=\"b\",status=\"200\"} 2")
                .containsPattern("pitstop_gateway_requests_seconds_count\\{backend=\"gateway\",status=\"503\"} [1-9]")
                .contains("pitstop_gateway_requests_seconds_bucket{backend=\"a\",status=\"200\",le=\"0.005\"}")
                .contains("pitstop_gateway_retries_total 1")
                .containsPattern("pitstop_gateway_status_page_total [1-9]")
                .contains("pitstop_gateway_bypass_requests_total 1")
                .contains("pitstop_gateway_backends_in_rotation 1")
                .contains("jvm_memory_used_bytes{");
        assertThat(a.served.get()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void aFailingHealthCheckIsCounted() throws Exception {
        TestNode a = node("a");
        a.readyStatus = 503;
        startGateway(Duration.ofMillis(100));

        await(() -> scrape().contains("pitstop_gateway_health_check_failures_total{backend=\"a\"}"),
                "a counted health check failure");
        assertThat(scrape()).contains("pitstop_gateway_backends_in_rotation 0");
    }

    private void startGateway(Duration healthInterval) {
        gateway = Gateway.start(new GatewayConfig("127.0.0.1", 0, healthInterval, Duration.ofSeconds(10),
                Duration.ofSeconds(5), false, null, null, GatewayConfig.DEFAULT_DRAIN_TIMEOUT, false), controlDb, db);
        started.add(gateway);
    }

    private TestNode node(String id) throws Exception {
        TestNode node = TestNode.start(id);
        started.add(node);
        new NodeRegistry(controlDb).register(id, node.url(), "1.0.0", NodeState.READY);
        return node;
    }

    private String scrape() {
        HttpResponse<String> response = send("/metrics", "Authorization", "Bearer " + token);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private HttpResponse<String> send(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("GET " + path + " failed", e);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Waited " + BOUND + " for " + what);
            }
            Thread.sleep(20);
        }
    }
}
