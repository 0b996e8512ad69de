package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitstop.db.DbSettings;
import dev.pitstop.driver.kubernetes.KubernetesNodeDriver;
import dev.pitstop.testing.TestDatabase;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI driving a cluster on Kubernetes ({@code nodes: kubernetes}, {@code traffic: kubernetes}),
 * as an operator's Job would: {@code up}, {@code upgrade} and its rollback, the maintenance window,
 * a restore, {@code status} and {@code down} run as real {@code pitstop} processes against fabric8's mock API server. Only
 * Kubernetes itself is simulated: a {@link SimulatedKubelet} turns the application's Deployment into
 * real node processes, a {@link SimulatedService} sends clients to the pods the Service selects, and
 * the status page's one pod is a real {@code pitstop gateway} process.
 */
@EnableKubernetesMockClient(crud = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubernetesClusterTest {

    private static final String NAMESPACE = "shop";
    private static final String DEPLOYMENT = "app";
    private static final String STATUS_PAGE = "app-status-page";
    private static final String IMAGE = "registry.example.com/app";
    private static final Map<String, String> APP_PODS = Map.of("app.kubernetes.io/name", DEPLOYMENT);
    private static final Map<String, String> STATUS_PAGE_PODS = Map.of("app.kubernetes.io/name", STATUS_PAGE);
    private static final int ITEMS = 10;

    static KubernetesClient client;

    @TempDir
    static Path dir;

    private DbSettings db;
    private SimulatedKubelet kubelet;
    private Cli cli;
    private Map<String, String> kubeconfig;
    private Process statusPagePod;
    private SimulatedService service;
    private String gateway;

    @BeforeAll
    void createDeploymentAndKubelet() throws Exception {
        db = TestDatabase.create();
        Path home = Files.createDirectories(dir.resolve("home"));
        // The nodes and the CLI share one storage directory, as pods and the Job share a volume.
        Files.createSymbolicLink(home.resolve("storage"), NodeProcess.storage(db).toAbsolutePath());
        createDeployment(DEPLOYMENT, APP_PODS, 0, Map.of(KubernetesNodeDriver.REPLICAS, "3"));
        createDeployment(STATUS_PAGE, STATUS_PAGE_PODS, 1, Map.of());
        client.services().inNamespace(NAMESPACE).resource(new ServiceBuilder()
                .withNewMetadata().withName(DEPLOYMENT).withNamespace(NAMESPACE).endMetadata()
                .withNewSpec().withSelector(APP_PODS).endSpec().build()).create();
        kubelet = SimulatedKubelet.start(client, NAMESPACE, DEPLOYMENT, db);
        int statusPagePort = NodeProcess.freePort();
        String statusPage = "http://127.0.0.1:" + statusPagePort;
        service = SimulatedService.start(client, NAMESPACE, DEPLOYMENT, selector -> selector.equals(APP_PODS)
                ? kubelet.readyUrls() : selector.equals(STATUS_PAGE_PODS) ? List.of(statusPage) : List.of());
        gateway = service.url();
        Files.writeString(home.resolve("pitstop.yml"), """
                nodes: kubernetes
                traffic: kubernetes
                kubernetes:
                  deployment: %s
                  namespace: %s
                  image: %s
                  url: %s
                  releases: %s
                  database:
                    url: %s
                    user: %s
                checks:
                  - path: /api/items
                """.formatted(DEPLOYMENT, NAMESPACE, IMAGE, gateway, Demo.release("1.0.0").getParent(), db.url(),
                db.user()));
        kubeconfig = MockKubeconfig.write(dir, client, NAMESPACE);
        cli = new Cli(home);
        // The status page's pod, started before the cluster's first up, as Kubernetes may start it.
        statusPagePod = cli.start("gateway", "--port", String.valueOf(statusPagePort));
        awaitAnswer(statusPage, statusPagePod);
        client.apps().deployments().inNamespace(NAMESPACE).withName(STATUS_PAGE).editStatus(d -> {
            d.setStatus(new DeploymentStatusBuilder().withReplicas(1).withReadyReplicas(1).build());
            return d;
        });
    }

    /** The application's Deployment is the one the kubelet runs; the status page's runs no image of ours. */
    private void createDeployment(String name, Map<String, String> labels, int replicas,
                                  Map<String, String> annotations) {
        client.apps().deployments().inNamespace(NAMESPACE).resource(new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(NAMESPACE).addToAnnotations(annotations).endMetadata()
                .withNewSpec().withReplicas(replicas)
                .withNewSelector().addToMatchLabels(labels).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels(labels).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage(IMAGE + ":1.0.0").endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
    }

    @AfterAll
    void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        if (statusPagePod != null) {
            statusPagePod.destroy();
            statusPagePod.waitFor(20, TimeUnit.SECONDS);
        }
        if (kubelet != null) {
            kubelet.close();
        }
    }

    @Test
    @Order(1)
    void upScalesTheDeploymentToOneNodeThenToItsFullSize() throws Exception {
        Cli.Result up = run("up");

        assertThat(up.exitCode()).as("%s", up).isZero();
        assertThat(up.out()).containsSubsequence("start node-1", "wait until node-1 has installed",
                "start node-2, node-3", "Cluster ready at " + gateway);
        assertThat(deployment().getSpec().getReplicas()).isEqualTo(3);
        assertThat(annotation(KubernetesNodeDriver.ACTION)).isEqualTo("start node-3");
        assertThat(TestDatabase.count(db, "SELECT count(*) FROM pitstop.installations WHERE completed_at IS NOT NULL"))
                .isEqualTo(1);
        assertThat(selector()).isEqualTo(APP_PODS);
        JsonNode clusterFile = Http.JSON.readTree(dir.resolve("home/cluster.json").toFile());
        assertThat(clusterFile.get("gateway").asText()).isEqualTo(gateway);
        assertThat(clusterFile.get("state").asText()).isEqualTo("running");
        awaitEndpoints(3);
        for (int i = 0; i < ITEMS; i++) {
            assertThat(Http.post(gateway + "/api/items", Http.item("item " + i)).statusCode()).isEqualTo(201);
        }
        assertThat(readyVersions()).containsExactly("1.0.0", "1.0.0", "1.0.0");
    }

    @Test
    @Order(2)
    void upgradesTheImageWhileClientsSeeOnly200OrTheStatusPage() throws Exception {
        UpgradeTest.Poller poller = UpgradeTest.Poller.start(gateway + "/api/items");

        Cli.Result upgrade = run("upgrade", "--to", Demo.release("1.1.0").toString(), "--yes");

        assertThat(poller.stop()).isEmpty();
        assertThat(poller.pagesSeen()).as("clients saw the status page").isPositive();
        assertThat(upgrade.exitCode()).as("%s", upgrade).isZero();
        assertThat(upgrade.out()).contains("upgraded to 1.1.0");
        assertThat(serviceAnnotation(KubernetesNodeDriver.ACTION)).isEqualTo("route to " + DEPLOYMENT);
        assertThat(annotation(KubernetesNodeDriver.RELEASE)).isEqualTo("1.1.0");
        assertServing("1.1.0");
    }

    @Test
    @Order(3)
    void rollsTheBrokenReleaseBackToTheImageBefore() throws Exception {
        UpgradeTest.Poller poller = UpgradeTest.Poller.start(gateway + "/api/items");

        Cli.Result upgrade = run("upgrade", "--to", Demo.release("1.2.0-broken").toString(), "--yes");

        assertThat(poller.stop()).isEmpty();
        assertThat(upgrade.exitCode()).as("%s", upgrade).isEqualTo(1);
        assertThat(upgrade.err()).contains("rolled back to 1.1.0");
        assertServing("1.1.0");
    }

    /** The whole Deployment runs {@code version}, behind the Service, with every item kept. */
    private void assertServing(String version) throws Exception {
        assertThat(selector()).isEqualTo(APP_PODS);
        assertThat(deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo(IMAGE + ":" + version);
        assertThat(deployment().getSpec().getReplicas()).isEqualTo(3);
        assertThat(readyVersions()).containsExactly(version, version, version);
        assertThat(Http.json(Http.get(gateway + "/api/items"))).hasSize(ITEMS);
    }

    @Test
    @Order(4)
    void theMaintenanceWindowKeepsOnePodBehindTheStatusPageThenScalesBack() throws Exception {
        Cli.Result begin = run("maintenance", "begin", "--page");

        assertThat(begin.exitCode()).as("%s", begin).isZero();
        assertThat(deployment().getSpec().getReplicas()).isEqualTo(1);
        assertThat(selector()).isEqualTo(STATUS_PAGE_PODS);
        HttpResponse<String> page = Http.get(gateway + "/api/items");
        assertThat(page.statusCode()).isEqualTo(503);
        assertThat(page.headers().firstValue("Retry-After")).isPresent();

        Cli.Result end = run("maintenance", "end");

        assertThat(end.exitCode()).as("%s", end).isZero();
        assertServing("1.1.0");
    }

    @Test
    @Order(5)
    void restoresABackupBehindTheStatusPage() throws Exception {
        Cli.Result created = run("backup", "create");
        assertThat(created.exitCode()).as("%s", created).isZero();
        String name = Path.of(created.out().split(" ")[2]).getFileName().toString();
        assertThat(Http.post(gateway + "/api/items", Http.item("after the backup")).statusCode()).isEqualTo(201);
        UpgradeTest.Poller poller = UpgradeTest.Poller.start(gateway + "/api/items");

        Cli.Result restored = run("backup", "restore", name, "--yes");

        assertThat(poller.stop()).isEmpty();
        assertThat(restored.exitCode()).as("%s", restored).isZero();
        assertThat(restored.out()).contains("restore " + name + " ... done", "verify node-1: ready");
        assertServing("1.1.0");
    }

    @Test
    @Order(6)
    void statusAndTheAdminApiGoThroughTheServiceAndDownScalesToZero() throws Exception {
        Cli.Result status = run("status");
        assertThat(status.exitCode()).as("%s", status).isZero();
        assertThat(status.out()).contains("release    1.1.0", "gateway    " + gateway);
        Cli.Result plugins = run("plugin", "list");
        assertThat(plugins.exitCode()).as("%s", plugins).isZero();
        assertThat(plugins.out()).contains("items");

        Cli.Result down = run("down");

        assertThat(down.exitCode()).as("%s", down).isZero();
        assertThat(deployment().getSpec().getReplicas()).isZero();
        assertThat(kubelet.pods()).isZero();
        assertThat(annotation(KubernetesNodeDriver.REPLICAS)).isEqualTo("3");
    }

    private Cli.Result run(String... args) throws Exception {
        return cli.run(kubeconfig, args);
    }

    private Deployment deployment() {
        return client.apps().deployments().inNamespace(NAMESPACE).withName(DEPLOYMENT).get();
    }

    private String annotation(String key) {
        return deployment().getMetadata().getAnnotations().get(key);
    }

    private Map<String, String> selector() {
        return client.services().inNamespace(NAMESPACE).withName(DEPLOYMENT).get().getSpec().getSelector();
    }

    private String serviceAnnotation(String key) {
        return client.services().inNamespace(NAMESPACE).withName(DEPLOYMENT).get().getMetadata().getAnnotations()
                .get(key);
    }

    /** The release of every ready node, as the nodes answer it themselves. */
    private List<String> readyVersions() throws Exception {
        JsonNode status = Http.JSON.readTree(run("status", "--json").out());
        List<String> versions = new ArrayList<>();
        for (JsonNode node : status.get("nodes")) {
            if (node.get("state").asText().equals("ready")) {
                versions.add(Http.json(Http.get(node.get("url").asText() + "/api/info")).get("version").asText());
            }
        }
        return versions;
    }

    /**
     * Until {@code process}, listening at {@code url}, answers anything at all. A JVM's start takes what
     * the machine gives it (seconds quiet, a minute on a loaded CI machine): the wait ends when the process
     * answers or exits, and only a process that neither answers nor exits in 5 minutes is given up on.
     */
    private static void awaitAnswer(String url, Process process) {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (process.isAlive() && System.nanoTime() < deadline) {
            try {
                Http.get(url + "/health/live");
                return;
            } catch (RuntimeException e) {
                NodeProcess.sleep(200);
            }
        }
        throw new AssertionError("nothing answered on " + url + (process.isAlive() ? " in 5 minutes"
                : ": the process exited with " + process.exitValue()));
    }

    /** Until the Service reaches {@code count} ready pods, as kube-proxy learns of them in its own time. */
    private void awaitEndpoints(int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (kubelet.readyUrls().size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the Service has " + kubelet.readyUrls() + ", not " + count + " endpoints");
            }
            NodeProcess.sleep(100);
        }
    }
}
