package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.pitstop.db.Database;
import dev.pitstop.db.DbSettings;
import dev.pitstop.driver.kubernetes.KubernetesNodeDriver;
import dev.pitstop.home.ClusterConfig;
import dev.pitstop.home.ControlSetup;
import dev.pitstop.home.Home;
import dev.pitstop.testing.TestDatabase;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console of a cluster on Kubernetes, served by {@code pitstop gateway} as the status page's
 * pods run it (deploy/kubernetes/status-page.yaml): a real process on the embedded database with
 * {@code nodes: kubernetes} and {@code traffic: kubernetes}, against fabric8's mock API server. No
 * node runs: the Deployment's status says which of its pods are ready, and the overview shows them
 * as the node driver reads them; the status page is put up from the console through the Service.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesConsoleTest {

    private static final String NAMESPACE = "shop";
    private static final Map<String, String> APP_PODS = Map.of("app.kubernetes.io/name", "app");
    private static final Map<String, String> STATUS_PAGE_PODS = Map.of("app.kubernetes.io/name", "app-status-page");
    private static final String CONSOLE_URL = "http://console.shop.example:8080/.pitstop/";
    private static final Path LIB = Path.of(System.getProperty("pitstop.cli", "../pitstop-cli/target/lib"))
            .toAbsolutePath().normalize();
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    static KubernetesClient client;

    @TempDir
    Path dir;

    @Test
    void theGatewayServesTheConsoleWhichListsThePodsAndChangesTheClusterOnlyWithTheCsrfToken() throws Exception {
        DbSettings db = TestDatabase.create();
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve("pitstop.yml"), """
                nodes: kubernetes
                traffic: kubernetes
                kubernetes:
                  deployment: app
                  namespace: %s
                  image: registry.example.com/app
                  url: http://127.0.0.1:9
                  releases: %s
                  database:
                    url: %s
                    user: %s
                console:
                  url: %s
                """.formatted(NAMESPACE, Demo.release("1.0.0").getParent(), db.url(), db.user(), CONSOLE_URL));
        // What 'pitstop up' writes before its first start: the control schema, the tokens' hashes, the policy.
        try (HikariDataSource pool = Database.pool(db, "test", 2)) {
            ControlSetup.prepare(pool, new Home(home), ClusterConfig.load(new Home(home), null, Map.of()), 3);
        }
        createDeployment("app", APP_PODS, 3, 2, Map.of(KubernetesNodeDriver.REPLICAS, "3"));
        createDeployment("app-status-page", STATUS_PAGE_PODS, 1, 1, Map.of());
        client.services().inNamespace(NAMESPACE).resource(new ServiceBuilder()
                .withNewMetadata().withName("app").withNamespace(NAMESPACE).endMetadata()
                .withNewSpec().withSelector(APP_PODS).endSpec().build()).create();
        Map<String, String> kubeconfig = MockKubeconfig.write(dir, client, NAMESPACE);
        int port = NodeProcess.freePort();
        String console = "http://127.0.0.1:" + port + "/.pitstop/";
        Process gateway = gateway(home, port, kubeconfig);
        try {
            awaitLoginPage(console, gateway);

            HttpResponse<String> login = post(console + "login", "token=" + URLEncoder.encode(
                    Files.readString(home.resolve("admin.token")).strip(), StandardCharsets.UTF_8), null);
            assertThat(login.statusCode()).as(login.body()).isEqualTo(303);
            String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));
            HttpResponse<String> overview = get(console, cookie);
            assertThat(overview.statusCode()).isEqualTo(200);
            assertThat(overview.body()).contains("Pods of deployment app", "2 of 3 pods ready");
            assertThat(count(overview.body(), "<tr class=\"pod\" data-state=\"ready\">")).isEqualTo(2);
            assertThat(count(overview.body(), "<tr class=\"pod\" data-state=\"starting\">")).isEqualTo(1);

            HttpResponse<String> noCsrf = post(console + "maintenance/page/on", "retry-after=30", cookie);
            assertThat(noCsrf.statusCode()).isEqualTo(403);
            assertThat(noCsrf.body()).contains("CSRF");
            assertThat(selector()).isEqualTo(APP_PODS);

            String csrf = csrf(get(console + "maintenance", cookie).body());
            HttpResponse<String> pageOn = post(console + "maintenance/page/on", "csrf=" + csrf + "&retry-after=30", cookie);
            assertThat(pageOn.statusCode()).isEqualTo(303);
            assertThat(get(console + "maintenance", cookie).body()).contains("The status page is up");
            assertThat(selector()).isEqualTo(STATUS_PAGE_PODS);

            Cli.Result status = new Cli(home).run(kubeconfig, "status", "--json");
            assertThat(status.exitCode()).as("%s", status).isZero();
            JsonNode json = Http.JSON.readTree(status.out());
            assertThat(json.get("mode").asText()).isEqualTo("maintenance");
            assertThat(json.get("console").asText()).isEqualTo(CONSOLE_URL);
            assertThat(TestDatabase.count(db, "SELECT count(*) FROM pitstop.audit WHERE operation = 'maintenance page on'"
                    + " AND actor = 'admin@console' AND outcome = 'succeeded'")).isEqualTo(1);
        } finally {
            gateway.destroy();
            gateway.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /** {@code ready} of its {@code replicas} pods ready, as its controller, having seen the last change, reports. */
    private static void createDeployment(String name, Map<String, String> labels, int replicas, int ready,
                                         Map<String, String> annotations) {
        Deployment created = client.apps().deployments().inNamespace(NAMESPACE).resource(new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(NAMESPACE).addToAnnotations(annotations).endMetadata()
                .withNewSpec().withReplicas(replicas)
                .withNewSelector().addToMatchLabels(labels).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels(labels).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("registry.example.com/app:1.0.0")
                .endContainer().endSpec().endTemplate().endSpec().build()).create();
        Long generation = created.getMetadata().getGeneration();
        client.apps().deployments().inNamespace(NAMESPACE).withName(name).editStatus(d -> {
            d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(generation == null ? 0 : generation)
                    .withReplicas(replicas).withUpdatedReplicas(replicas).withReadyReplicas(ready).build());
            return d;
        });
    }

    /** As the status page's pod runs it, with the API server of the kubeconfig (a pod's would be its service account). */
    private Process gateway(Path home, int port, Map<String, String> env) throws Exception {
        // The JIT's first tier only, as Cli runs its commands: the test's few requests do not repay C2.
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", LIB.resolve("*").toString(), "dev.pitstop.cli.Pitstop", "--home", home.toString(),
                "gateway", "--port", String.valueOf(port)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("gateway.log").toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    private void awaitLoginPage(String console, Process gateway) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!gateway.isAlive()) {
                throw new AssertionError("pitstop gateway exited: " + Files.readString(dir.resolve("gateway.log")));
            }
            try {
                if (get(console + "login", null).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // Not listening yet.
            }
            NodeProcess.sleep(200);
        }
        throw new AssertionError("the console did not answer: " + Files.readString(dir.resolve("gateway.log")));
    }

    private Map<String, String> selector() {
        return client.services().inNamespace(NAMESPACE).withName("app").get().getSpec().getSelector();
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    private static String csrf(String html) {
        Matcher matcher = CSRF.matcher(html);
        assertThat(matcher.find()).as("a CSRF field in %s", html).isTrue();
        return matcher.group(1);
    }

    private static HttpResponse<String> get(String url, String cookie) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).GET(), cookie);
    }

    private static HttpResponse<String> post(String url, String form, String cookie) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)), cookie);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request, String cookie) throws Exception {
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
