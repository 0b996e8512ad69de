package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's real Prometheus scraping a local cluster with the shipped scrape configuration
 * (deploy/prometheus/prometheus.yml, its paths pointed at this test's home and its interval made
 * 1 s) and the targets {@code up} writes, queried through its HTTP API; the Grafana dashboard's
 * queries run there too. The same cluster's logs (the nodes', the supervisor's) rotate at the
 * smallest size allowed, keeping two files.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusTest {

    private static final int LOG_FILES = 2;

    /** A deadline for a condition on a busy machine, not a claim about speed. */
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    static Path home;
    @TempDir
    static Path prometheusDir;

    private static CliCluster cluster;
    private static Process prometheus;
    private static String api;

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(home.resolve("pitstop.yml"), "logs:\n  max-file-bytes: 1024\n  files: " + LOG_FILES + "\n");
        cluster = CliCluster.up(home, 2, "1.0.0");
        for (String file : List.of("prometheus.yml", "alerts.yml")) {
            String text = Files.readString(PrometheusRulesTest.DEPLOY.resolve(file))
                    .replace("../../.pitstop/", home + "/")
                    .replace("scrape_interval: 15s", "scrape_interval: 1s")
                    .replace("evaluation_interval: 15s", "evaluation_interval: 1s");
            Files.writeString(prometheusDir.resolve(file), text);
        }
        Path config = prometheusDir.resolve("prometheus.yml");
        Promtool.run("check", "config", config.toString());
        int port = NodeProcess.freePort();
        api = "http://127.0.0.1:" + port + "/api/v1/query?query=";
        prometheus = new ProcessBuilder("prometheus", "--config.file=" + config,
                "--storage.tsdb.path=" + prometheusDir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(prometheusDir.resolve("prometheus.log").toFile()).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor();
            }
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void prometheusSeesNodesRequestsBackupsAndAnUpgradesSteps() throws Exception {
        JsonNode nodes = await("up{job=\"pitstop-nodes\"} == 1", result -> result.size() == 2);
        assertThat(nodes.findValuesAsText("node")).containsExactlyInAnyOrder("node-1", "node-2");
        await("up{job=\"pitstop-gateway\"} == 1", result -> result.size() == 1);

        double nodeRequests = value("sum(pitstop_http_requests_seconds_count{route=\"/api/items\",method=\"POST\"})");
        double gatewayRequests = value("sum(pitstop_gateway_requests_seconds_count{backend=~\"node-.*\"})");
        cluster.createItems(10);
        await("sum(pitstop_http_requests_seconds_count{route=\"/api/items\",method=\"POST\"}) >= "
                + (nodeRequests + 10), result -> result.size() == 1);
        await("sum(pitstop_gateway_requests_seconds_count{backend=~\"node-.*\"}) >= " + (gatewayRequests + 10),
                result -> result.size() == 1);

        double backupBefore = value("pitstop_cluster_backup_last_timestamp_seconds");
        cluster.run("backup", "create");
        await("pitstop_cluster_backup_last_timestamp_seconds > " + backupBefore, result -> result.size() == 1);
        await("pitstop_cluster_backup_last_size_bytes > 0", result -> result.size() == 1);

        cluster.run("upgrade", "--to", Demo.release("1.1.0").toString(), "--yes");
        JsonNode steps = await("pitstop_cluster_procedure_step_duration_seconds{kind=\"upgrade\",outcome=\"done\"}",
                result -> result.size() >= 6);
        assertThat(steps.findValuesAsText("step")).contains("put the status page up",
                "take the status page down: traffic back to the cluster");
        await("pitstop_cluster_procedures_total{kind=\"upgrade\",outcome=\"succeeded\"} == 1",
                result -> result.size() == 1);
        await("pitstop_cluster_upgrade_last_downtime_seconds > 0", result -> result.size() == 1);
        await("pitstop_node_info{release=\"1.1.0\"}", result -> result.size() == 2);
    }

    @Test
    @Order(2)
    void logsRotateAndKeepTheConfiguredNumberOfFiles() throws Exception {
        // How much a node logs depends on the machine (a loaded one adds warnings), so the volume
        // that must rotate is made here if the cluster's start and upgrade did not make it: the
        // gateway, in the supervisor's log, writes one line each time the status page goes on or off.
        int line = "00:00:00.000 INFO  [ClusterWatcher] Maintenance mode off: proxying to the nodes again\n".length();
        for (int toggles = 0; toggles <= 1024 / line && logFiles("supervisor.log").size() < LOG_FILES; toggles++) {
            cluster.run("maintenance", "page", "on");
            awaitGateway(503);
            cluster.run("maintenance", "page", "off");
            awaitGateway(200);
        }
        assertThat(logFiles("supervisor.log")).containsExactlyInAnyOrder("supervisor.log", "supervisor.log.1");
        assertThat(Files.size(home.resolve("logs/supervisor.log.1"))).isBetween(1024L, 1024L + 4096);
        for (String node : List.of("node-1.log", "node-2.log")) {
            assertThat(logFiles(node)).contains(node).hasSizeLessThanOrEqualTo(LOG_FILES);
        }
    }

    /** Waits until the gateway answers {@code status}: the watcher has seen the change, and logged it. */
    private static void awaitGateway(int status) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (Http.get(cluster.gateway() + "/api/items").statusCode() != status) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the gateway did not answer " + status + " within " + BOUND);
            }
            NodeProcess.sleep(100);
        }
    }

    @Test
    @Order(3)
    void theDashboardsQueriesAreValidPromQl() throws Exception {
        JsonNode dashboard = Http.JSON.readTree(PrometheusRulesTest.DEPLOY.resolveSibling("grafana")
                .resolve("pitstop.json").toFile());
        List<String> expressions = dashboard.findValuesAsText("expr");
        assertThat(expressions).hasSizeGreaterThan(10);
        for (String expression : expressions) {
            JsonNode answer = Http.json(Http.get(api + URLEncoder.encode(
                    expression.replace("$__rate_interval", "1m"), StandardCharsets.UTF_8)));
            assertThat(answer.path("status").asText()).as("%s: %s", expression, answer).isEqualTo("success");
        }
    }

    private static List<String> logFiles(String log) throws Exception {
        try (Stream<Path> files = Files.list(home.resolve("logs"))) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.startsWith(log)).toList();
        }
    }

    /** The query's result vector once {@code done} holds for it. */
    private static JsonNode await(String query, Predicate<JsonNode> done) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        JsonNode result = null;
        while (System.nanoTime() < deadline) {
            result = query(query);
            if (done.test(result)) {
                return result;
            }
            NodeProcess.sleep(250);
        }
        throw new AssertionError("Prometheus did not answer as expected within " + BOUND + ": " + query
                + " gave " + result + "\nprometheus.log:\n" + log());
    }

    /** The single value of a query, 0 when it has no result yet (a counter not yet scraped). */
    private static double value(String query) {
        JsonNode result = query(query);
        return result.isEmpty() ? 0 : result.get(0).get("value").get(1).asDouble();
    }

    /** The query's result vector; empty while Prometheus is not up or not ready (503 as its storage opens). */
    private static JsonNode query(String query) {
        HttpResponse<String> answer;
        try {
            answer = Http.get(api + URLEncoder.encode(query, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return Http.JSON.createArrayNode(); // not listening yet
        }
        if (answer.statusCode() == 503) {
            return Http.JSON.createArrayNode();
        }
        return Http.json(answer).path("data").path("result");
    }

    private static String log() {
        try {
            String text = Files.readString(prometheusDir.resolve("prometheus.log"));
            return text.substring(Math.max(0, text.length() - 4000));
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }
}
