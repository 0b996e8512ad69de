package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A node's {@code /metrics}: behind the admin API's tokens, in the Prometheus text format. */
class NodeMetricsTest {

    private static AdminNode node;

    @BeforeAll
    static void start() {
        node = AdminNode.start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        node.close();
    }

    @Test
    void metricsNeedAToken() {
        HttpResponse<String> anonymous = Http.get(node.node.url() + "/metrics");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.body()).contains("Authorization: Bearer");
        assertThat(node.send("GET", "/metrics", HttpRequest.BodyPublishers.noBody(), "wrong").statusCode())
                .isEqualTo(401);
    }

    @Test
    void requestsAreCountedByRouteTemplateAndTheNodeDescribesItself() {
        String id = Http.json(Http.post(node.node.url() + "/api/items", Http.item("counted"))).get("id").asText();
        Http.get(node.node.url() + "/api/items/" + id);
        Http.get(node.node.url() + "/api/items/" + id);
        Http.get(node.node.url() + "/no/such/route");

        String metrics = scrape();

        assertThat(metrics)
                .contains("pitstop_http_requests_seconds_count{method=\"GET\",route=\"/api/items/{id}\",status=\"200\"} 2")
                .contains("pitstop_http_requests_seconds_count{method=\"POST\",route=\"/api/items\",status=\"201\"} 1")
                .contains("pitstop_http_requests_seconds_count{method=\"GET\",route=\"none\",status=\"404\"} 1")
                .contains("pitstop_http_requests_seconds_bucket{method=\"GET\",route=\"/api/items/{id}\",status=\"200\",le=\"0.005\"}")
                .contains("pitstop_node_info{release=\"1.0.0\"} 1")
                .contains("pitstop_node_state{state=\"ready\"} 1")
                .contains("pitstop_node_state{state=\"starting\"} 0")
                .contains("pitstop_node_plugins_loaded 1")
                .containsPattern("pitstop_node_plugin_changes_total [1-9]")
                .contains("pitstop_backup_scheduled_failures_total 0")
                .contains("pitstop_backup_scheduled_last_success_timestamp_seconds NaN")
                .contains("hikaricp_connections_max{pool=\"node-1\"} 8")
                .contains("jvm_memory_used_bytes{")
                .contains("process_uptime_seconds");
    }

    /** The node learns the token's hash through a notification: asked until it has. */
    private static String scrape() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            HttpResponse<String> response = node.send("GET", "/metrics", HttpRequest.BodyPublishers.noBody(),
                    AdminNode.TOKEN);
            if (response.statusCode() == 200 || System.nanoTime() > deadline) {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                        type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
                return response.body();
            }
            NodeProcess.sleep(100);
        }
    }
}
