package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.pitstop.control.Cluster;
import dev.pitstop.control.Tokens;
import dev.pitstop.db.Database;
import dev.pitstop.db.DbSettings;
import dev.pitstop.testing.TestDatabase;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugin changes through the nodes' admin API, on three real nodes sharing one database and
 * storage. The tests share the cluster, in order, each leaving the policy as it found it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PluginManagementTest {

    private static final String TOKEN = "admin-token-for-tests";
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private final List<NodeProcess> nodes = new ArrayList<>();
    private DbSettings db;
    private HikariDataSource pool;
    private Cluster cluster;

    @BeforeAll
    void startNodes() {
        db = TestDatabase.create();
        nodes.add(NodeProcess.start(Demo.release("1.0.0"), db, "node-1"));
        nodes.get(0).awaitReady();
        nodes.add(NodeProcess.start(Demo.release("1.0.0"), db, "node-2"));
        nodes.add(NodeProcess.start(Demo.release("1.0.0"), db, "node-3"));
        nodes.forEach(NodeProcess::awaitReady);
        pool = Database.pool(db, "test", 2);
        cluster = new Cluster(pool);
        cluster.setTokenHashes(Tokens.hash(TOKEN), null);
        awaitTrue("token known to the nodes", Duration.ofSeconds(5),
                () -> admin("GET", nodes.get(0), "/admin/plugins", null).statusCode() == 200);
    }

    @AfterAll
    void stopNodes() throws InterruptedException {
        NodeProcess.closeAll(nodes);
        pool.close();
    }

    @Test
    @Order(1)
    void enablingAndDisablingReachesEveryRunningNode() throws Exception {
        long item = Http.json(Http.post(nodes.get(0).url() + "/api/items", Http.item("gear"))).get("id").asLong();
        assertThat(admin("POST", nodes.get(1), "/admin/plugins", Demo.plugin("comments-1.0.0.jar")).statusCode()).isEqualTo(201);
        assertThat(commentsStatus(nodes.get(0), item)).isEqualTo(404);

        HttpResponse<String> enabled = admin("POST", nodes.get(2), "/admin/plugins/comments/enable", null);

        assertThat(enabled.statusCode()).as(enabled.body()).isEqualTo(200);
        for (NodeProcess node : nodes) {
            awaitTrue(node.id() + " serves comments", Duration.ofSeconds(2), () -> commentsStatus(node, item) == 200);
        }
        assertThat(Http.post(nodes.get(0).url() + "/api/items/" + item + "/comments", java.util.Map.of("text", "nice"))
                .statusCode()).isEqualTo(201);

        HttpResponse<String> needed = admin("POST", nodes.get(0), "/admin/plugins/items/disable", null);
        assertThat(needed.statusCode()).isEqualTo(409);
        assertThat(Http.json(needed).get("error").asText()).contains("needed by comments");

        assertThat(admin("POST", nodes.get(0), "/admin/plugins/comments/disable", null).statusCode()).isEqualTo(200);
        for (NodeProcess node : nodes) {
            awaitTrue(node.id() + " stops serving comments", Duration.ofSeconds(2), () -> commentsStatus(node, item) == 404);
        }
        assertThat(TestDatabase.count(db, "SELECT count(*) FROM app.comments")).as("data kept").isEqualTo(1);
        NodeProcess late = NodeProcess.start(Demo.release("1.0.0"), db, "node-4");
        nodes.add(late);
        late.awaitReady();
        assertThat(commentsStatus(late, item)).isEqualTo(404);
        assertThat(TestDatabase.count(db, "SELECT count(*) FROM pitstop.audit WHERE operation LIKE 'plugin %'"))
                .isEqualTo(4);
    }

    @Test
    @Order(2)
    void anAddedPluginIsUpgradedEverywhereAndRemovedWithItsData(@TempDir Path dir) throws Exception {
        long item = Http.json(Http.post(nodes.get(0).url() + "/api/items", Http.item("gear"))).get("id").asLong();
        assertThat(admin("POST", nodes.get(0), "/admin/plugins/comments/enable", null).statusCode()).isEqualTo(200);
        Path newer = rewrite(Demo.plugin("comments-1.0.0.jar"), dir.resolve("comments-1.0.1.jar"),
                descriptor("comments", ">=1.0.0", "items").replace("plugin.version=1.0.0", "plugin.version=1.0.1"));

        HttpResponse<String> upgraded = admin("PUT", nodes.get(1), "/admin/plugins/comments", newer);

        assertThat(upgraded.statusCode()).as(upgraded.body()).isEqualTo(200);
        for (NodeProcess node : nodes) {
            awaitTrue(node.id() + " runs comments 1.0.1", Duration.ofSeconds(2), () -> Http.json(
                    Http.get(node.url() + "/api/info")).get("plugins").toString().contains("\"comments\",\"version\":\"1.0.1\",\"enabled\":true"));
            assertThat(commentsStatus(node, item)).isEqualTo(200);
        }
        assertThat(admin("DELETE", nodes.get(0), "/admin/plugins/comments", null).statusCode())
                .as("an enabled plugin is not removed").isEqualTo(409);
        admin("POST", nodes.get(0), "/admin/plugins/comments/disable", null);

        HttpResponse<String> removed = admin("DELETE", nodes.get(0), "/admin/plugins/comments?drop-data=true", null);

        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
        assertThat(TestDatabase.count(db, "SELECT count(*) FROM app.plugins WHERE id = 'comments'")).isZero();
        assertThat(TestDatabase.count(db, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'app'"
                + " AND table_name IN ('comments', 'plugin_comments_schema_history')")).isZero();
        assertThat(stored()).noneMatch(jar -> jar.getFileName().toString().startsWith("comments"));
    }

    @Test
    @Order(3)
    void aPluginWhoseMigrationFailsChangesNothing() throws Exception {
        assertThat(admin("POST", nodes.get(0), "/admin/plugins", Demo.plugin("broken-1.0.0.jar")).statusCode()).isEqualTo(201);
        String schemaBefore = schemaFingerprint();
        String statesBefore = pluginStates();

        HttpResponse<String> enable = admin("POST", nodes.get(0), "/admin/plugins/broken/enable", null);

        assertThat(enable.statusCode()).isEqualTo(500);
        assertThat(Http.json(enable).get("error").asText()).contains("plugin broken", "V2", "unchanged");
        assertThat(schemaFingerprint()).isEqualTo(schemaBefore);
        assertThat(pluginStates()).isEqualTo(statesBefore);
        assertThat(TestDatabase.count(db, "SELECT count(*) FROM pitstop.audit WHERE outcome = 'failed'")).isEqualTo(1);
    }

    @Test
    @Order(4)
    void badJarsAreRefusedAndNothingIsStored(@TempDir Path dir) throws Exception {
        Path comments = Demo.plugin("comments-1.0.0.jar");
        Path noDescriptor = rewrite(comments, dir.resolve("no-descriptor.jar"), null);
        Path tooNew = rewrite(comments, dir.resolve("too-new.jar"), descriptor("comments", ">=9.0.0", "items"));
        Path missingDependency = rewrite(comments, dir.resolve("orphan.jar"), descriptor("orphan", ">=1.0.0", "ghost"));
        Path corrupt = dir.resolve("corrupt.jar");
        byte[] bytes = Files.readAllBytes(comments);
        Files.write(corrupt, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        String statesBefore = pluginStates();
        List<Path> storedBefore = stored();

        assertRefused(noDescriptor, "no plugin.properties");
        assertRefused(tooNew, "requires release >=9.0.0");
        assertRefused(missingDependency, "depends on ghost");
        assertRefused(corrupt, "not a valid jar");

        assertThat(pluginStates()).isEqualTo(statesBefore);
        assertThat(stored()).isEqualTo(storedBefore);
    }

    @Test
    @Order(5)
    void policyDecidesWhetherPluginsMayChange() {
        cluster.setPolicy("window-only", "allowed");
        HttpResponse<String> refused = admin("POST", nodes.get(0), "/admin/plugins", Demo.plugin("comments-1.0.0.jar"));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(Http.json(refused).get("error").asText()).contains("window-only", "pitstop maintenance begin");

        cluster.setWindowOpen(true);
        assertThat(admin("POST", nodes.get(0), "/admin/plugins", Demo.plugin("comments-1.0.0.jar")).statusCode()).isEqualTo(201);

        cluster.setPolicy("prohibited", "allowed");
        HttpResponse<String> prohibited = admin("POST", nodes.get(0), "/admin/plugins/comments/enable", null);
        cluster.setPolicy("allowed", "allowed");
        cluster.setWindowOpen(false);
        assertThat(prohibited.statusCode()).isEqualTo(403);
        assertThat(Http.json(prohibited).get("error").asText()).contains("prohibited");
    }

    private List<Path> stored() throws IOException {
        try (Stream<Path> jars = Files.list(NodeProcess.storage(db).resolve("plugins"))) {
            return jars.sorted().toList();
        }
    }

    private void assertRefused(Path jar, String reason) {
        HttpResponse<String> response = admin("POST", nodes.get(0), "/admin/plugins", jar);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
        assertThat(Http.json(response).get("error").asText()).contains(reason);
    }

    private static String descriptor(String id, String requires, String dependencies) {
        return "plugin.id=" + id + "\nplugin.class=dev.pitstop.demo.comments.CommentsPlugin\nplugin.version=1.0.0\n"
                + "plugin.requires=" + requires + "\nplugin.dependencies=" + dependencies + "\n";
    }

    /** A copy of the jar with its descriptor replaced, or dropped when {@code descriptor} is null. */
    private static Path rewrite(Path jar, Path target, String descriptor) throws IOException {
        try (ZipFile in = new ZipFile(jar.toFile()); OutputStream file = Files.newOutputStream(target);
             ZipOutputStream out = new ZipOutputStream(file)) {
            for (ZipEntry entry : java.util.Collections.list(in.entries())) {
                if (entry.getName().equals("plugin.properties")) {
                    continue;
                }
                out.putNextEntry(new ZipEntry(entry.getName()));
                in.getInputStream(entry).transferTo(out);
            }
            if (descriptor != null) {
                out.putNextEntry(new ZipEntry("plugin.properties"));
                out.write(descriptor.getBytes(StandardCharsets.UTF_8));
            }
        }
        return target;
    }

    private String schemaFingerprint() throws Exception {
        return query("SELECT string_agg(table_name || '.' || column_name || ':' || data_type, ',' ORDER BY table_name, column_name)"
                + " FROM information_schema.columns WHERE table_schema = 'app'");
    }

    private String pluginStates() throws Exception {
        return query("SELECT string_agg(id || ' ' || version || ' ' || enabled || ' ' || installed, ',' ORDER BY id) FROM app.plugins");
    }

    private String query(String sql) throws Exception {
        try (Connection c = TestDatabase.connect(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static int commentsStatus(NodeProcess node, long item) {
        return Http.get(node.url() + "/api/items/" + item + "/comments").statusCode();
    }

    private static HttpResponse<String> admin(String method, NodeProcess node, String path, Path jar) {
        try {
            HttpRequest.BodyPublisher body = jar == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofFile(jar);
            HttpRequest request = HttpRequest.newBuilder(URI.create(node.url() + path))
                    .header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", "application/java-archive")
                    .method(method, body).build();
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
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
