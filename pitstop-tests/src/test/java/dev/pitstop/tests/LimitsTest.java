package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.pitstop.control.AuditLog;
import dev.pitstop.control.Cluster;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a client may send a node: bodies and uploads over the limits are refused, and nothing of them kept. */
class LimitsTest {

    private static final long BIG = 200L * 1024 * 1024;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private AdminNode admin;
    private NodeProcess node;
    private HikariDataSource pool;

    @BeforeEach
    void start() {
        admin = AdminNode.start("limits.plugin-jar-bytes=1024");
        node = admin.node;
        pool = admin.pool;
    }

    @AfterEach
    void stop() throws InterruptedException {
        admin.close();
    }

    @Test
    void a200MegabytePostToAPluginRouteIsRefusedAndTheNodeStaysHealthy() throws Exception {
        HttpResponse<String> declared = send(HttpRequest.newBuilder(URI.create(node.url() + "/api/items"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(Zeros::new), BIG)));
        HttpResponse<String> streamed = send(HttpRequest.newBuilder(URI.create(node.url() + "/api/items"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(Zeros::new)));

        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(Http.json(declared).get("error").asText()).isEqualTo("the request body is " + BIG + " bytes; this"
                + " cluster's routes take at most 1048576 (limits.request-body-bytes in pitstop.yml)");
        assertThat(streamed.statusCode()).isEqualTo(413);
        assertThat(Http.get(node.url() + "/health/ready").statusCode()).isEqualTo(200);
        assertThat(Http.post(node.url() + "/api/items", Http.item("still served")).statusCode()).isEqualTo(201);
    }

    @Test
    void aJarOverTheLimitIsRefusedAndNothingIsWritten() throws Exception {
        Path jar = Demo.plugin("comments-1.0.0.jar");

        HttpResponse<String> refused = send(admin().POST(HttpRequest.BodyPublishers.ofFile(jar)));
        HttpResponse<String> streamed = send(admin().POST(HttpRequest.BodyPublishers.ofInputStream(() -> {
            try {
                return Files.newInputStream(jar);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        })));

        assertThat(Files.size(jar)).isGreaterThan(1024);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(413);
        assertThat(Http.json(refused).get("error").asText()).isEqualTo("the plugin jar is larger than 1024 bytes, the"
                + " most this cluster accepts (limits.plugin-jar-bytes in pitstop.yml); nothing was stored");
        assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(413);
        assertThat(uploads()).isEmpty();
        assertThat(new AuditLog(pool).latest(1).get(0).outcome()).isEqualTo("refused");
    }

    @Test
    void thePolicyIsCheckedBeforeTheBodyIsRead() throws Exception {
        new Cluster(pool).setPolicy("prohibited", "allowed");

        HttpResponse<String> refused = send(admin().POST(HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(Zeros::new), BIG)));

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
        assertThat(uploads()).isEmpty();
    }

    private HttpRequest.Builder admin() {
        return HttpRequest.newBuilder(URI.create(node.url() + "/admin/plugins"))
                .header("Authorization", "Bearer " + AdminNode.TOKEN)
                .header("Content-Type", "application/java-archive");
    }

    /** Every file in the shared plugin directory, uploads in progress included. */
    private java.util.List<Path> uploads() throws IOException {
        Path dir = NodeProcess.storage(admin.db).resolve("plugins");
        if (!Files.exists(dir)) {
            return java.util.List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@value #BIG} zero bytes made as they are read: the test holds none of them. */
    private static final class Zeros extends InputStream {
        private long left = BIG;

        @Override
        public int read() {
            if (left == 0) {
                return -1;
            }
            left--;
            return 0;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(length, left);
            java.util.Arrays.fill(buffer, offset, offset + n, (byte) 0);
            left -= n;
            return n;
        }
    }
}
