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
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Environment migration between two real NocoBase clusters with the preset of NocoBase's release
 * ({@code "tables"} in its release.json): staging gets a new collection and a page through NocoBase's
 * API; the migration carries both to production, whose records, in a collection both environments have
 * and in its users, stay its own. One node per environment, each with its own embedded database (a
 * NocoBase node is ~490 MB and a minute to start; the two start together).
 */
class NocobaseMigrationTest {

    private static final String VERSION = "2.2.15";
    private static final long INSTALL_MINUTES = 15;
    /** Two NocoBase nodes starting together on a busy 2-core machine took up to 10 minutes. */
    private static final long START_MINUTES = 20;
    /** Node.js answers an HTTP/2 upgrade header as a WebSocket-style upgrade: talk HTTP/1.1 to it. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final String PAGE = "stagingpage1";

    @TempDir
    Path work;

    @Test
    void aCollectionAndAPageMadeOnStagingReachProductionWhichKeepsItsRecords() throws Exception {
        Path release = work.resolve("release");
        Cli.Result made = new Cli(work.resolve("staging")).runWithin(INSTALL_MINUTES, "release", "nocobase",
                "--version", VERSION, "--output", release.toString());
        assertThat(made.exitCode()).as("pitstop release nocobase needs the npm registry and npx:%n%s", made).isZero();
        CompletableFuture<CliCluster> startingStaging = CompletableFuture.supplyAsync(() -> up("staging", release));
        CompletableFuture<CliCluster> startingProduction = CompletableFuture.supplyAsync(() -> up("production", release));
        CompletableFuture.allOf(startingStaging, startingProduction).exceptionally(failed -> null).join();
        if (startingStaging.isCompletedExceptionally() || startingProduction.isCompletedExceptionally()) {
            for (CompletableFuture<CliCluster> starting : List.of(startingStaging, startingProduction)) {
                if (!starting.isCompletedExceptionally()) {
                    starting.join().close(); // the one that started; the other's failure is thrown below
                }
            }
        }
        try (CliCluster staging = startingStaging.join(); CliCluster production = startingProduction.join()) {
            Api stagingApi = Api.signIn(staging);
            Api productionApi = Api.signIn(production);
            for (Api api : List.of(stagingApi, productionApi)) {
                api.post("/api/collections:create", collection("products", "Products"));
            }
            productionApi.post("/api/products:create", Map.of("title", "production product"));
            productionApi.post("/api/users:create", Map.of("username", "production-user",
                    "email", "production-user@example.com", "password", "secret-123"));
            stagingApi.post("/api/products:create", Map.of("title", "staging sample"));
            stagingApi.post("/api/collections:create", collection("orders", "Orders"));
            stagingApi.post("/api/uiSchemas:insert", Map.of("type", "void", "x-component", "Page", "x-uid", PAGE));
            stagingApi.post("/api/desktopRoutes:create", Map.of("type", "page", "title", "Staging page",
                    "schemaUid", PAGE, "menuSchemaUid", PAGE + "menu", "enableTabs", false));

            Path file = work.resolve("staging.migration");
            Cli.Result created = staging.run("migration", "create", "--output", file.toString());
            // The release comes from pitstop.installations, where the supervisor records NocoBase's install.
            assertThat(created.out()).contains("Migration written: " + file, "release " + VERSION + ";",
                    "signed by ed25519:");
            Path stagingKey = Files.writeString(work.resolve("staging.pub"), staging.run("migration", "public-key").out());
            production.run("migration", "trust", stagingKey.toString());
            Cli.Result preview = production.run("migration", "check", file.toString());
            assertThat(preview.out()).contains("made by release " + VERSION + ", for the target at release " + VERSION,
                    "public.collections", "overwrite", "public.\"uiSchemas\"",
                    "public.\"desktopRoutes\"", "public.users", "schema-only", "CREATE TABLE public.orders");
            Cli.Result applied = production.cli().runWithin(START_MINUTES, "migration", "apply", file.toString(), "--yes");
            assertThat(applied.exitCode()).as("%s", applied).isZero();
            assertThat(applied.out()).contains("restart node-1 so that the application reads its new configuration",
                    "applied staging.migration");

            Api migrated = Api.signIn(production);
            assertThat(migrated.names("/api/collections:list?paginate=false", "name")).contains("orders", "products");
            migrated.post("/api/orders:create", Map.of("title", "first production order"));
            assertThat(migrated.names("/api/orders:list", "title")).containsExactly("first production order");
            assertThat(migrated.names("/api/desktopRoutes:listAccessible?tree=true", "title")).contains("Staging page");
            assertThat(migrated.get("/api/uiSchemas:getJsonSchema/" + PAGE).at("/data/x-component").asText())
                    .isEqualTo("Page");
            assertThat(migrated.names("/api/products:list", "title")).containsExactly("production product");
            assertThat(migrated.names("/api/users:list?pageSize=200", "username")).contains("production-user");
            assertThat(production.run("migration", "logs").out()).contains("succeeded: staging.migration");
        }
    }

    /** A one-node cluster; one that fails to start is stopped, so that nothing of it outlives the test. */
    private CliCluster up(String name, Path release) {
        Path home = work.resolve(name);
        try {
            // On a machine as busy as CI's, a NocoBase node may take longer than the default 180 s to be
            // ready, after its first start and after the migration's restart alike.
            Files.createDirectories(home);
            Files.writeString(home.resolve("pitstop.yml"), "ready-timeout-seconds: 600\n");
            return CliCluster.up(home, 1, release, START_MINUTES);
        } catch (Throwable e) {
            try {
                new Cli(home).run("down");
            } catch (Exception stopping) {
                e.addSuppressed(stopping);
            }
            throw new AssertionError("starting " + name + " failed", e);
        }
    }

    /** A collection with one text field, as NocoBase's collection manager makes it. */
    private static Map<String, Object> collection(String name, String title) {
        return Map.of("name", name, "title", title, "fields", List.of(Map.of("name", "title", "type", "string",
                "interface", "input", "uiSchema", Map.of("type", "string", "title", "Title", "x-component", "Input"))));
    }

    /** NocoBase's API through a cluster's gateway, signed in as its administrator. */
    private record Api(String gateway, String token) {

        static Api signIn(CliCluster cluster) throws Exception {
            HttpResponse<String> signIn = send(HttpRequest.newBuilder(URI.create(cluster.gateway() + "/api/auth:signIn"))
                    .header("Content-Type", "application/json").header("X-Authenticator", "basic")
                    .POST(json(Map.of("account", "nocobase", "password", Files.readString(cluster.home()
                            .resolve("secrets/nocobase-root-password")).strip()))));
            assertThat(signIn.statusCode()).as(signIn.body()).isEqualTo(200);
            return new Api(cluster.gateway(), Http.json(signIn).at("/data/token").asText());
        }

        JsonNode post(String path, Object body) throws Exception {
            HttpResponse<String> response = send(request(path).POST(json(body)));
            assertThat(response.statusCode()).as("POST %s: %s", path, response.body()).isEqualTo(200);
            return Http.json(response);
        }

        JsonNode get(String path) throws Exception {
            HttpResponse<String> response = send(request(path).GET());
            assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
            return Http.json(response);
        }

        /** The {@code field} of every item a list answers, nested ones ({@code children}) too. */
        List<String> names(String path, String field) throws Exception {
            List<String> names = new ArrayList<>();
            collect(get(path).get("data"), field, names);
            return names;
        }

        private static void collect(JsonNode items, String field, List<String> names) {
            for (JsonNode item : items) {
                names.add(item.path(field).asText());
                if (item.has("children")) {
                    collect(item.get("children"), field, names);
                }
            }
        }

        private HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(URI.create(gateway + path)).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + token).header("X-Authenticator", "basic");
        }

        private static HttpRequest.BodyPublisher json(Object body) throws IOException {
            return HttpRequest.BodyPublishers.ofString(Http.JSON.writeValueAsString(body));
        }

        private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
            return HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
