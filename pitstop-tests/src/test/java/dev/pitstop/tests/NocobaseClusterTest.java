package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real NocoBase as the cluster's nodes: a release made from the npm registry by {@code pitstop release
 * nocobase} (cached by version under ~/.cache/pitstop, so only the first run on a machine installs), two
 * nodes started in the operations guide's order behind Pitstop's gateway, sign-in, a backup and restore
 * of the database with NocoBase's storage directory, and a bundled plugin enabled in a maintenance window. One cluster for every case:
 * a NocoBase node needs ~490 MB and a minute to start. Without the npm registry the release cannot be
 * made and the test fails, saying so.
 */
class NocobaseClusterTest {

    private static final String VERSION = "2.2.15";
    private static final long INSTALL_MINUTES = 15;
    private static final long START_MINUTES = 10;
    /** Node.js answers an HTTP/2 upgrade header as a WebSocket-style upgrade: talk HTTP/1.1 to it. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path work;
    private static Path release;
    private static CliCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        release = work.resolve("release");
        Cli.Result made = new Cli(work.resolve("home")).runWithin(INSTALL_MINUTES, "release", "nocobase",
                "--version", VERSION, "--output", release.toString());
        assertThat(made.exitCode())
                .as("pitstop release nocobase needs the npm registry (registry.npmjs.org) and npx:%n%s", made)
                .isZero();
        cluster = CliCluster.up(work.resolve("home"), 2, release, START_MINUTES);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        // The nodes are NocoBase's CLI and the server it starts: stopping the cluster stops both.
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("")
                .contains(release.toString()))).isEmpty();
    }

    @Test
    void theFirstNodeInstallsAloneAndEveryNodeServes() throws Exception {
        Path logs = cluster.home().resolve("logs");
        assertThat(Files.readString(logs.resolve("node-1.log"))).contains("installed successfully");
        assertThat(Files.readString(logs.resolve("node-2.log"))).doesNotContain("installed successfully");
        List<String> states = new ArrayList<>();
        for (JsonNode node : cluster.status().get("nodes")) {
            states.add(node.get("id").asText() + " " + node.get("state").asText() + " " + node.get("version").asText());
        }
        assertThat(states).containsExactly("node-1 ready " + VERSION, "node-2 ready " + VERSION);
    }

    @Test
    void signInThroughTheGatewayGivesATokenEveryNodeAccepts() throws Exception {
        String token = signIn();
        assertThat(token).isNotEmpty();
        for (JsonNode node : cluster.status().get("nodes")) {
            HttpResponse<String> check = send(HttpRequest.newBuilder(URI.create(node.get("url").asText()
                    + "/api/auth:check")).header("Authorization", "Bearer " + token).header("X-Authenticator", "basic")
                    .GET());
            assertThat(check.statusCode()).as("%s: %s", node.get("id"), check.body()).isEqualTo(200);
            assertThat(Http.json(check).at("/data/username").asText()).isEqualTo("nocobase");
        }
    }

    @Test
    void aRecordDeletedAfterABackupIsBackAfterTheRestore() throws Exception {
        String token = signIn();
        HttpResponse<String> created = send(request("/api/users:create", token).POST(json(Map.of(
                "username", "restore-check", "email", "restore-check@example.com", "password", "secret-123"))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String id = Http.json(created).at("/data/id").asText();
        Path backup = work.resolve("nocobase.backup");
        cluster.run("backup", "create", "--output", backup.toString());
        assertThat(send(request("/api/users:destroy?filterByTk=" + id, token).POST(json(Map.of()))).statusCode())
                .isEqualTo(200);
        assertThat(usernames(token)).doesNotContain("restore-check");

        Cli.Result restore = cluster.cli().runWithin(START_MINUTES, "backup", "restore", backup.toString(), "--yes");
        assertThat(restore.exitCode()).as("%s", restore).isZero();
        assertThat(usernames(signIn())).contains("restore-check");
    }

    /**
     * The guide's window for a plugin change on NocoBase, which has no cluster-wide plugin state without
     * its Redis adapters: one node serves, NocoBase's plugin manager enables the plugin there ({@code pm
     * enable}, through its API), and the other nodes load it as they start at the end of the window.
     */
    @Test
    void aBundledPluginEnabledInAMaintenanceWindowIsLoadedByEveryNode() throws Exception {
        String token = signIn();
        String plugin = disabledBundledPlugin(token);
        cluster.run("maintenance", "begin");
        HttpResponse<String> enable = send(request("/api/pm:enable?awaitResponse=true&filterByTk="
                + plugin.substring(plugin.lastIndexOf("plugin-") + "plugin-".length()), token).POST(json(Map.of())));
        assertThat(enable.statusCode()).as(enable.body()).isEqualTo(200);
        cluster.run("maintenance", "end");
        for (JsonNode node : cluster.status().get("nodes")) {
            assertThat(enabledOn(node.get("url").asText(), token)).as("%s", node.get("id")).contains(plugin);
        }
    }

    /** A plugin the release ships but NocoBase does not enable at install: the map, else another. */
    private static String disabledBundledPlugin(String token) throws Exception {
        HttpResponse<String> list = send(request("/api/pm:list", token).GET());
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        List<String> disabled = new ArrayList<>();
        Http.json(list).get("data").forEach(p -> {
            if (!p.path("enabled").asBoolean()) {
                disabled.add(p.path("packageName").asText());
            }
        });
        for (String preferred : List.of("@nocobase/plugin-map", "@nocobase/plugin-graph-collection-manager")) {
            if (disabled.contains(preferred)) {
                return preferred;
            }
        }
        assertThat(disabled).as("bundled plugins that are not enabled").isNotEmpty();
        return disabled.get(0);
    }

    /**
     * The packages a node has loaded, as its web client learns them; a node that restarts its
     * application after a plugin change answers 503 for a moment, so it is asked until it answers.
     */
    private static List<String> enabledOn(String nodeUrl, String token) throws Exception {
        HttpResponse<String> enabled;
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        do {
            enabled = send(HttpRequest.newBuilder(URI.create(nodeUrl + "/api/pm:listEnabled"))
                    .header("Authorization", "Bearer " + token).header("X-Authenticator", "basic").GET());
            if (enabled.statusCode() == 200) {
                List<String> packages = new ArrayList<>();
                Http.json(enabled).get("data").forEach(p -> packages.add(p.path("packageName").asText()));
                return packages;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(nodeUrl + " did not list its plugins: " + enabled.statusCode() + " " + enabled.body());
    }

    private static String signIn() throws Exception {
        HttpResponse<String> signIn = send(HttpRequest.newBuilder(URI.create(cluster.gateway() + "/api/auth:signIn"))
                .header("Content-Type", "application/json").header("X-Authenticator", "basic")
                .POST(json(Map.of("account", "nocobase", "password", "admin123"))));
        assertThat(signIn.statusCode()).as(signIn.body()).isEqualTo(200);
        return Http.json(signIn).at("/data/token").asText();
    }

    private static List<String> usernames(String token) throws Exception {
        HttpResponse<String> list = send(request("/api/users:list?pageSize=200", token).GET());
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        Http.json(list).get("data").forEach(user -> names.add(user.get("username").asText()));
        return names;
    }

    private static HttpRequest.Builder request(String path, String token) {
        return HttpRequest.newBuilder(URI.create(cluster.gateway() + path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token).header("X-Authenticator", "basic");
    }

    private static HttpRequest.BodyPublisher json(Object body) throws IOException {
        return HttpRequest.BodyPublishers.ofString(Http.JSON.writeValueAsString(body));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
