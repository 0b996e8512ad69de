package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real NocoBase as the cluster's nodes: a release made from the npm registry by {@code pitstop release
 * nocobase} (cached by version under ~/.cache/pitstop, so only the first run on a machine installs), two
 * nodes started in the operations guide's order behind Pitstop's gateway, sign-in, a backup and restore
 * of the database with NocoBase's storage directory, a bundled plugin enabled in a maintenance window,
 * then upgrades to releases of the same NocoBase whose local plugin has a migration, and one whose migration
 * fails. One cluster for every case, in order (the upgrades last): a NocoBase node needs ~490 MB and a
 * minute to start. Without the npm registry the release cannot be made and the test fails, saying so.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NocobaseClusterTest {

    private static final String VERSION = "2.2.15";
    private static final long INSTALL_MINUTES = 15;
    private static final long START_MINUTES = 20;
    /** Backup, NocoBase's upgrade command, two starts; a rollback adds a restore. */
    private static final long UPGRADE_MINUTES = 30;
    /** NocoBase's {@code pm enable} restarts its application: a minute or more on a busy machine. */
    private static final long PLUGIN_MINUTES = 15;
    /** Node.js answers an HTTP/2 upgrade header as a WebSocket-style upgrade: talk HTTP/1.1 to it. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    /** A local plugin in every release, with one more of its migrations in each (test resources). */
    private static final String PLUGIN = "@pitstop/plugin-upgrade-check";
    private static final String UPGRADED = "2.2.16-local.1";
    private static final String BROKEN = "2.2.16-local.2";
    /** The user whose nickname the plugin's migrations change. */
    private static final String USER = "upgrade-check";

    @TempDir
    static Path work;
    private static Path release;
    private static CliCluster cluster;
    /** When the class began, and the releases it made: what they share with the cache must be older. */
    private static final Instant STARTED = Instant.now();
    private static final List<Path> MADE = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        release = release(VERSION, 0);
        Path home = Files.createDirectories(work.resolve("home"));
        // Verified before traffic returns (upgrade, restore, maintenance end): NocoBase says its version, and its
        // sign-in answers (refusing an empty form), so the authentication plugin is loaded.
        // A node's ready timeout covers NocoBase's install or upgrade on the first node: minutes on a busy machine.
        Files.writeString(home.resolve("pitstop.yml"), """
                ready-timeout-seconds: 900
                checks:
                  - path: /api/app:getInfo
                    body-contains: '"version":"%s"'
                  - method: POST
                    path: /api/auth:signIn
                    status: 400
                    body-contains: username or email
                """.formatted(VERSION));
        cluster = CliCluster.up(home, 2, release, START_MINUTES);
    }

    /**
     * A release of NocoBase {@link #VERSION} with its own version, and the local plugin with its first
     * {@code migrations} migrations. NocoBase enables the plugin at install, as a built-in one
     * ({@code APPEND_PRESET_BUILT_IN_PLUGINS} in the release's {@code .env}), so that every release's
     * upgrade runs its migrations.
     */
    private static Path release(String version, int migrations) throws Exception {
        Path plugins = work.resolve("plugins-" + version);
        Path plugin = plugins.resolve("upgrade-check");
        Path source = Path.of(NocobaseClusterTest.class.getResource("/nocobase-plugin").toURI());
        copy(source.resolve("package"), plugin);
        Path target = Files.createDirectories(plugin.resolve("dist/server/migrations"));
        try (Stream<Path> files = Files.list(source.resolve("migrations"))) {
            for (Path migration : files.sorted().limit(migrations).toList()) {
                Files.copy(migration, target.resolve(migration.getFileName()));
            }
        }
        Path dir = work.resolve("release-" + version);
        Cli.Result made = new Cli(work.resolve("home")).runWithin(INSTALL_MINUTES, "release", "nocobase",
                "--version", VERSION, "--release-version", version, "--output", dir.toString(),
                "--plugins", plugins.toString());
        assertThat(made.exitCode())
                .as("pitstop release nocobase needs the npm registry (registry.npmjs.org) and npx:%n%s", made)
                .isZero();
        Files.writeString(dir.resolve("app/.env"), "\nAPPEND_PRESET_BUILT_IN_PLUGINS=" + PLUGIN + "\n",
                StandardOpenOption.APPEND);
        MADE.add(dir);
        return dir;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path copied = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(copied);
                } else {
                    Files.copy(path, copied);
                }
            }
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        // The nodes are NocoBase's CLI and the server it starts: stopping the cluster stops both.
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("")
                .contains(work.toString()))).isEmpty();
        // A release hard-links the packages of the install cached for every release and cluster: NocoBase's
        // install, starts, upgrades and plugin changes above wrote none of them, which would have changed the cache.
        for (Path made : MADE) {
            assertThat(sharedAndWrittenSince(made.resolve("app"), STARTED))
                    .as("files of %s that are hard links (to the cache) and were written during the class", made)
                    .isEmpty();
        }
    }

    /** The files under {@code dir} that have another hard link, and were modified after {@code since}. */
    private static List<Path> sharedAndWrittenSince(Path dir, Instant since) throws IOException {
        List<Path> written = new ArrayList<>();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (attributes.isRegularFile() && attributes.lastModifiedTime().toInstant().isAfter(since)
                        && (Integer) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS) > 1) {
                    written.add(dir.relativize(file));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return written;
    }

    @Test
    @Order(1)
    void theFirstNodeInstallsAloneAndEveryNodeServes() throws Exception {
        Path logs = cluster.home().resolve("logs");
        assertThat(Files.readString(logs.resolve("node-1.log"))).contains("installed successfully");
        assertThat(Files.readString(logs.resolve("node-2.log"))).doesNotContain("installed successfully");
        assertThat(versions()).containsExactly("node-1 ready " + VERSION, "node-2 ready " + VERSION);
    }

    @Test
    @Order(2)
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
    @Order(3)
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
     * its Redis adapters: one node serves, {@code pitstop plugin enable} runs the release's {@code pm enable}
     * there through the supervisor, and the other node loads the plugin as it starts at the end of the
     * window. Outside a window the cluster's default policy (window-only, two nodes) refuses it, audited.
     */
    @Test
    @Order(4)
    void aBundledPluginEnabledInAMaintenanceWindowIsLoadedByEveryNode() throws Exception {
        String token = signIn();
        String plugin = disabledBundledPlugin(token);
        String name = plugin.substring(plugin.lastIndexOf("plugin-") + "plugin-".length());
        Cli.Result refused = cluster.cli().run("plugin", "enable", name);
        assertThat(refused.exitCode()).as("%s", refused).isEqualTo(3);
        assertThat(refused.err()).contains("only inside a maintenance window");
        JsonNode audit = Http.JSON.readTree(cluster.run("history", "--json").out()).get("audit").get(0);
        assertThat(audit.get("operation").asText() + " " + audit.get("target").asText() + " "
                + audit.get("outcome").asText()).isEqualTo("plugin enable " + name + " refused");

        cluster.run("maintenance", "begin");
        // NocoBase enables the plugin and restarts its application: a minute or more when busy.
        Cli.Result enable = cluster.cli().runWithin(PLUGIN_MINUTES, "plugin", "enable", name);
        assertThat(enable.exitCode()).as("%s", enable).isZero();
        assertThat(enable.out()).contains("pm enable " + name, "loads it when started by 'pitstop maintenance end'");
        // NocoBase's CLI handed the command to the serving node's running application, over the IPC socket
        // the node's environment names (its server logs each client), rather than booting one of its own.
        Matcher ran = Pattern.compile("run on (node-\\d+)").matcher(enable.out());
        assertThat(ran.find()).as(enable.out()).isTrue();
        String log = Files.readString(cluster.home().resolve("logs/" + ran.group(1) + ".log"));
        String command = "[pitstop] the pluginEnable command on " + ran.group(1);
        assertThat(log).contains(command + ": ");
        assertThat(log.substring(log.lastIndexOf(command + ": "))).contains("client connected",
                command + " exited with code 0");
        cluster.run("maintenance", "end");
        for (JsonNode node : cluster.status().get("nodes")) {
            assertThat(enabledOn(node.get("url").asText(), token)).as("%s", node.get("id")).contains(plugin);
        }
        List<String> listed = new ArrayList<>();
        Http.JSON.readTree(cluster.run("plugin", "list", "--json").out()).forEach(p -> listed.add(
                p.get("id").asText() + " " + (p.get("enabled").asBoolean() ? "enabled" : "disabled")));
        assertThat(listed).contains(name + " enabled");
        // The console's plugins page reads the same list, and offers the same change.
        String login = "token=" + URLEncoder.encode(Files.readString(cluster.home().resolve("admin.token")).strip(),
                StandardCharsets.UTF_8);
        HttpResponse<String> session = send(HttpRequest.newBuilder(URI.create(cluster.gateway() + "/.pitstop/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(login)));
        String cookie = session.headers().firstValue("Set-Cookie").orElseThrow();
        HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(cluster.gateway() + "/.pitstop/plugins"))
                .header("Cookie", cookie.substring(0, cookie.indexOf(';'))).GET());
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"process-plugins\"",
                "data-id=\"" + name + "\" data-enabled=\"true\"");
    }

    /**
     * The guide's upgrade on NocoBase: status page, nodes stopped, a verified backup, the switch,
     * {@code nocobase upgrade} on node-1 alone (which runs the plugin's new migration), node-1 verified,
     * node-2 started, traffic back. A client polling through the gateway meanwhile sees NocoBase or the
     * status page, nothing else.
     */
    @Test
    @Order(5)
    void anUpgradeRunsThePluginsMigrationOnOneNodeWhileClientsSeeTheStatusPage() throws Exception {
        String before = signIn();
        createUser(before);
        Path upgraded = release(UPGRADED, 1);
        UpgradeTest.Poller poller = UpgradeTest.Poller.start(() -> {
            try {
                return send(HttpRequest.newBuilder(URI.create(cluster.gateway() + "/api/__health_check")).GET());
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Cli.Result upgrade = cluster.cli().runWithin(UPGRADE_MINUTES, "upgrade", "--to", upgraded.toString(), "--yes");
        List<String> unexpected = poller.stop();
        assertThat(upgrade.exitCode()).as("%s", upgrade).isZero();
        assertThat(unexpected).as("answers that are neither NocoBase's nor the status page").isEmpty();
        assertThat(poller.pagesSeen()).as("clients saw the status page").isPositive();
        assertThat(versions()).containsExactly("node-1 ready " + UPGRADED, "node-2 ready " + UPGRADED);
        // The session key is the cluster's, not the release's: a token from before the upgrade still works.
        assertThat(nickname(before)).isEqualTo("migrated");
        Path logs = cluster.home().resolve("logs");
        assertThat(Files.readString(logs.resolve("node-1.log"))).contains("NocoBase has been upgraded");
        assertThat(Files.readString(logs.resolve("node-2.log"))).doesNotContain("NocoBase has been upgraded");
        // A migration file says which release made it: the one the supervisor recorded for NocoBase's upgrade.
        Cli.Result exported = cluster.run("migration", "create", "--output", work.resolve("upgraded.migration").toString());
        assertThat(exported.out()).contains("release " + UPGRADED + ";");
    }

    /**
     * The plugin's next migration changes the user, then throws: NocoBase's upgrade fails on node-1, and
     * the procedure restores the backup and starts the previous release again, with the user as before.
     */
    @Test
    @Order(6)
    void anUpgradeWhoseMigrationFailsRollsBackWithTheDataIntact() throws Exception {
        Path broken = release(BROKEN, 2);
        Cli.Result upgrade = cluster.cli().runWithin(UPGRADE_MINUTES, "upgrade", "--to", broken.toString(), "--yes");
        assertThat(upgrade.exitCode()).as("%s", upgrade).isEqualTo(1);
        assertThat(upgrade.out() + upgrade.err()).contains("rolled back to " + UPGRADED);
        assertThat(Files.readString(cluster.home().resolve("logs/node-1.log"))).contains("fails on purpose");
        assertThat(versions()).containsExactly("node-1 ready " + UPGRADED, "node-2 ready " + UPGRADED);
        assertThat(nickname(signIn())).isEqualTo("migrated");
    }

    private static void createUser(String token) throws Exception {
        HttpResponse<String> created = send(request("/api/users:create", token).POST(json(Map.of(
                "username", USER, "email", USER + "@example.com", "password", "secret-123"))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    }

    private static String nickname(String token) throws Exception {
        HttpResponse<String> user = send(request("/api/users:get?filter=" + URLEncoder.encode(
                Http.JSON.writeValueAsString(Map.of("username", USER)), StandardCharsets.UTF_8), token).GET());
        assertThat(user.statusCode()).as(user.body()).isEqualTo(200);
        return Http.json(user).at("/data/nickname").asText();
    }

    private static List<String> versions() throws Exception {
        List<String> states = new ArrayList<>();
        for (JsonNode node : cluster.status().get("nodes")) {
            states.add(node.get("id").asText() + " " + node.get("state").asText() + " " + node.get("version").asText());
        }
        return states;
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
                .POST(json(Map.of("account", "nocobase", "password", rootPassword()))));
        assertThat(signIn.statusCode()).as(signIn.body()).isEqualTo(200);
        return Http.json(signIn).at("/data/token").asText();
    }

    /** The root user's password, which the cluster made at its first start (the release has none). */
    private static String rootPassword() throws IOException {
        return Files.readString(cluster.home().resolve("secrets/nocobase-root-password")).strip();
    }

    private static List<String> usernames(String token) throws Exception {
        HttpResponse<String> list = send(request("/api/users:list?pageSize=200", token).GET());
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        Http.json(list).get("data").forEach(user -> names.add(user.get("username").asText()));
        return names;
    }

    private static HttpRequest.Builder request(String path, String token) {
        return request(cluster.gateway(), path, token);
    }

    private static HttpRequest.Builder request(String base, String path, String token) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token).header("X-Authenticator", "basic");
    }

    private static HttpRequest.BodyPublisher json(Object body) throws IOException {
        return HttpRequest.BodyPublishers.ofString(Http.JSON.writeValueAsString(body));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return send(request, Duration.ofSeconds(30));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request, Duration timeout)
            throws IOException, InterruptedException {
        return HTTP.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
    }
}
