package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.pitstop.backup.Backups;
import dev.pitstop.backup.PasswordSource;
import dev.pitstop.control.Cluster;
import dev.pitstop.control.Tokens;
import dev.pitstop.db.Database;
import dev.pitstop.db.DbSettings;
import dev.pitstop.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups through a node's admin API: made, listed, verified, and restored only inside maintenance;
 * a request without a password uses the cluster's ({@code backup.password-file}), which every node
 * here is given.
 */
class BackupAdminTest {

    private static final String TOKEN = "admin-token-for-tests";
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private NodeProcess node;
    private HikariDataSource pool;
    private Cluster cluster;

    @TempDir
    Path dir;

    private Path clusterPassword;

    @BeforeEach
    void start() throws IOException {
        clusterPassword = Files.writeString(dir.resolve("backup-password"), "cluster backup password\n");
        DbSettings db = TestDatabase.create();
        node = NodeProcess.start(Demo.release("1.0.0"), db, "node-1", "backup.password-file=" + clusterPassword,
                "backup.dir=" + dir.resolve("backups"));
        node.awaitReady();
        pool = Database.pool(db, "test", 2);
        cluster = new Cluster(pool);
        cluster.setTokenHashes(Tokens.hash(TOKEN), null);
    }

    @AfterEach
    void stop() throws InterruptedException {
        node.close();
        pool.close();
    }

    @Test
    void aBackupIsMadeListedVerifiedAndRestoredInsideMaintenance() {
        Http.post(node.url() + "/api/items", Http.item("kept"));
        HttpResponse<String> created = awaitAdmin("POST", "/admin/backups", "{\"password\": \"s3cret\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String name = Http.json(created).get("name").asText();
        Http.post(node.url() + "/api/items", Http.item("after the backup"));

        JsonNode list = Http.json(admin("GET", "/admin/backups", ""));
        assertThat(list.get(0).get("name").asText()).isEqualTo(name);
        assertThat(list.get(0).get("encrypted").asBoolean()).isTrue();
        assertThat(list.get(0).get("release").asText()).isEqualTo("1.0.0");
        assertThat(admin("POST", "/admin/backups/" + name + "/verify", "{\"password\": \"s3cret\"}").statusCode()).isEqualTo(200);
        assertThat(admin("POST", "/admin/backups/" + name + "/verify", "{\"password\": \"wrong\"}").statusCode()).isEqualTo(422);

        HttpResponse<String> serving = admin("POST", "/admin/backups/" + name + "/restore", "{\"password\": \"s3cret\"}");
        assertThat(serving.statusCode()).isEqualTo(409);
        assertThat(Http.json(serving).get("error").asText()).contains("pitstop backup restore");
        assertThat(Http.json(Http.get(node.url() + "/api/items"))).hasSize(2);

        cluster.setMaintenance(true, null, 30);
        HttpResponse<String> restored = admin("POST", "/admin/backups/" + name + "/restore", "{\"password\": \"s3cret\"}");
        cluster.setMaintenance(false, null, 30);

        assertThat(restored.statusCode()).as(restored.body()).isEqualTo(200);
        HttpResponse<String> served = Http.get(node.url() + "/api/items");
        for (int attempt = 0; served.statusCode() == 503 && attempt < 50; attempt++) {
            NodeProcess.sleep(20);
            served = Http.get(node.url() + "/api/items");
        }
        JsonNode items = Http.json(served);
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("name").asText()).isEqualTo("kept");
    }

    @Test
    void aBackupAskedForWithoutAPasswordIsEncryptedWithTheClusters() {
        HttpResponse<String> created = awaitAdmin("POST", "/admin/backups", "{}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String name = Http.json(created).get("name").asText();

        assertThat(Http.json(admin("GET", "/admin/backups", "")).get(0).get("encrypted").asBoolean()).isTrue();
        Path file = dir.resolve("backups").resolve(name);
        assertThat(Backups.verify(file, PasswordSource.file(clusterPassword)).entries()).isNotEmpty();
        assertThat(admin("POST", "/admin/backups/" + name + "/verify", "{}").statusCode()).isEqualTo(200);
    }

    @Test
    void errorsAreAnsweredWithoutJavaText() {
        HttpResponse<String> notJson = awaitAdmin("POST", "/admin/backups", "{\"password\": s3cret}");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(Http.json(notJson).get("error").asText())
                .isEqualTo("the request body must be a JSON object; it is not valid JSON at line 1, column 14");

        // Jetty refuses a NUL in a path before any handler runs; its answer is JSON as well.
        HttpResponse<String> refusedByJetty = admin("POST", "/admin/backups/a%00b/verify", "{}");
        assertThat(refusedByJetty.statusCode()).isEqualTo(400);
        assertThat(refusedByJetty.body()).isEqualTo("{\"error\":\"Bad Request\"}");
    }

    private HttpResponse<String> awaitAdmin(String method, String path, String body) {
        for (int attempt = 0; ; attempt++) {
            HttpResponse<String> response = admin(method, path, body);
            if (response.statusCode() != 401 || attempt > 50) {
                return response;
            }
            NodeProcess.sleep(100);
        }
    }

    private HttpResponse<String> admin(String method, String path, String body) {
        try {
            return CLIENT.send(HttpRequest.newBuilder(URI.create(node.url() + path))
                    .header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
