package dev.pitstop.driver.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pitstop.control.ControlSchema;
import dev.pitstop.control.Installations;
import dev.pitstop.control.NodeState;
import dev.pitstop.db.DbSettings;
import dev.pitstop.driver.NodeStatus;
import dev.pitstop.driver.Replacement;
import dev.pitstop.home.KubernetesSettings;
import dev.pitstop.procedure.FirstStart;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.procedure.StepList;
import dev.pitstop.procedure.Verification;
import dev.pitstop.release.Release;
import dev.pitstop.secret.ClusterSecrets;
import dev.pitstop.testing.TestDatabase;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The Kubernetes node driver with a release described as a process: NocoBase's own release.json
 * (its health path, its sign-in check with the cluster's secret), its official image's repository,
 * pods that never register with Pitstop. {@link FakeController} plays the Deployment controller, and
 * each pod's container is a real HTTP server on its own port ({@link SignInPods}), found by the
 * driver from the pod's IP and port. The driver calls are the procedures' (first start, offline
 * upgrade and its rollback, maintenance window) in their order, and each node is verified by
 * Pitstop's own {@link Verification} at the URL the driver gives, against a real control schema.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesProcessReleaseTest {

    static {
        Logger.getLogger("io.fabric8.mockwebserver").setLevel(Level.WARNING);
    }

    private static final String NAMESPACE = "shop";
    private static final String IMAGE = "nocobase/nocobase";
    private static final Path NOCOBASE_RELEASE =
            Path.of("../pitstop-cli/src/main/resources/dev/pitstop/cli/nocobase/release.json");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One control schema for the class (Flyway takes seconds); each case starts with no installation recorded. */
    private static DbSettings db;
    private static Installations installations;

    KubernetesClient client;
    @TempDir
    Path home;
    private ClusterSecrets secrets;
    private SignInPods containers;
    private FakeController controller;
    private KubernetesNodeDriver driver;
    private Verification verification;

    /** A control schema of its own, as the CLI's Job reaches it. */
    static DataSource controlDb(DbSettings db) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(db.url());
        dataSource.setUser(db.user());
        ControlSchema.migrate(dataSource);
        return dataSource;
    }

    @BeforeAll
    static void database() {
        db = TestDatabase.create();
        installations = new Installations(controlDb(db));
    }

    @BeforeEach
    void cluster() throws IOException {
        TestDatabase.execute(db, "DELETE FROM pitstop.installations");
        for (String version : List.of("2.2.15", "2.2.16", "2.2.17")) {
            release(version);
        }
        // The Job's HOME/secrets, where the Kubernetes Secret's nocobase-root-password is mounted; the
        // pods get the same value as INIT_ROOT_PASSWORD (deploy/kubernetes/nocobase/).
        secrets = new ClusterSecrets(home.resolve("secrets"));
        containers = new SignInPods(secrets.get("nocobase-root-password"), IMAGE + ":2.2.17");
        client.apps().deployments().inNamespace(NAMESPACE).resource(new DeploymentBuilder()
                .withNewMetadata().withName("nocobase").withNamespace(NAMESPACE)
                .addToAnnotations(KubernetesNodeDriver.REPLICAS, "3").endMetadata()
                .withNewSpec().withReplicas(0)
                .withNewStrategy().withType("Recreate").endStrategy()
                .withNewSelector().addToMatchLabels("app.kubernetes.io/name", "nocobase").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app.kubernetes.io/name", "nocobase").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage(IMAGE + ":2.2.15")
                .addNewPort().withName("http").withContainerPort(80).endPort()
                .endContainer().endSpec().endTemplate()
                .endSpec().build()).create();
        controller = FakeController.start(client, NAMESPACE, "nocobase", containers);
        KubernetesSettings settings = new KubernetesSettings("nocobase", NAMESPACE, null, IMAGE, "http://nocobase:80",
                home.resolve("releases").toString(), new KubernetesSettings.Database(
                "jdbc:postgresql://postgres:5432/nocobase", "nocobase", null), null, null);
        driver = new KubernetesNodeDriver(client, settings, installations);
        // As the procedures make it (ClusterProcedures.verification), with no checks of pitstop.yml; the release
        // the cluster runs is the installed version's, as the CLI finds it on Kubernetes.
        verification = new Verification(List.of(), () -> home.resolve("releases")
                .resolve(installations.installedVersion().orElseThrow()), "bypass", driver.routingDelay(), secrets);
    }

    @AfterEach
    void stop() throws InterruptedException {
        controller.close();
        containers.close();
    }

    /** The cases of a cluster that works, in order, on one Deployment: each would start it first. */
    @Test
    void firstStartUpgradeVerifyingTheFirstPodAloneAtItsOwnAddressThenAMaintenanceWindow() {
        // upgrade --online is refused before anything changes: the first pod upgrades under the others.
        assertThat(driver.runsMixedReleases()).isFalse();
        assertThatThrownBy(() -> driver.replace("node-1", release("2.2.16"), new Unused()))
                .isInstanceOfSatisfying(OperationException.class,
                        e -> assertThat(e.kind()).isEqualTo(OperationException.Kind.REFUSED))
                .hasMessageContaining("upgrade without --online");
        assertThat(pods()).isEmpty();

        firstStart();

        assertThat(driver.nodes()).extracting(NodeStatus::state).containsOnly(NodeState.READY);
        assertThat(driver.nodes()).extracting(NodeStatus::url).containsExactly(
                containers.url("app-00001"), containers.url("app-00002"), containers.url("app-00003"));
        assertThat(installed()).containsExactly("install=2.2.15");
        assertThat(driver.routingDelay()).isZero();

        // The offline upgrade: every pod stopped, the image switched, one pod, verified, then the rest.
        stopInParallel("node-1", "node-2", "node-3");
        driver.useRelease(release("2.2.16"));
        startAndAwait("node-1");
        assertThat(pods()).extracting(ReleasePods::name).containsExactly("app-00004");
        assertThat(installed()).containsExactly("install=2.2.15", "upgrade=2.2.16");
        NodeStatus first = node("node-1");
        assertThat(first.url()).isEqualTo(containers.url("app-00004"));
        verification.verifyRuns(first, release("2.2.16"), Set::of);
        assertThat(containers.signIns()).containsExactly("app-00004 signed in");
        startAndAwait("node-2", "node-3");

        assertThat(pods()).extracting(ReleasePods::name).containsExactly("app-00004", "app-00005", "app-00006");
        assertThat(pods()).extracting(this::image).containsOnly(IMAGE + ":2.2.16");
        assertThat(driver.nodes()).extracting(NodeStatus::state).containsOnly(NodeState.READY);
        assertThat(installed()).containsExactly("install=2.2.15", "upgrade=2.2.16");

        // The maintenance window. begin: the first ready node stays, the others stop; end: it is
        // verified (health, and the release's sign-in at its own address), the others start.
        stopInParallel("node-2", "node-3");
        assertThat(driver.nodes()).extracting(NodeStatus::state)
                .containsExactly(NodeState.READY, NodeState.STOPPED, NodeState.STOPPED);
        assertThat(node("node-1").url()).isEqualTo(containers.url("app-00004"));
        verification.verify(node("node-1"));
        startAndAwait("node-2", "node-3");

        assertThat(driver.nodes()).extracting(NodeStatus::state).containsOnly(NodeState.READY);
        assertThat(pods()).extracting(ReleasePods::name).containsExactly("app-00004", "app-00007", "app-00008");
    }

    @Test
    void aFirstPodThatFailsVerificationIsRolledBackToTheImageBefore() {
        firstStart();
        stopInParallel("node-1", "node-2", "node-3");
        driver.useRelease(release("2.2.17"));
        startAndAwait("node-1");

        assertThatThrownBy(() -> verification.verifyRuns(node("node-1"), release("2.2.17"), Set::of))
                .isInstanceOfSatisfying(OperationException.class,
                        e -> assertThat(e.kind()).isEqualTo(OperationException.Kind.FAILED))
                .hasMessageContaining("failed on node-1: it answered 401");
        assertThat(containers.signIns()).containsExactly("app-00004 refused");
        assertThat(pods()).as("the others never started").extracting(ReleasePods::name).containsExactly("app-00004");

        // The upgrade's rollback: stop, restore (which records what it restored, as Upgrade.restore
        // does), the release before, one pod verified, then the others.
        stopInParallel("node-1", "node-2", "node-3");
        installations.complete(installations.begin("rollback", "2.2.15", "pitstop upgrade --rollback"));
        driver.useRelease(release("2.2.15"));
        startAndAwait("node-1");
        verification.verifyRuns(node("node-1"), release("2.2.15"), Set::of);
        startAndAwait("node-2", "node-3");

        assertThat(client.apps().deployments().inNamespace(NAMESPACE).withName("nocobase").get().getSpec()
                .getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo(IMAGE + ":2.2.15");
        assertThat(pods()).extracting(ReleasePods::name).containsExactly("app-00005", "app-00006", "app-00007");
        assertThat(pods()).extracting(this::image).containsOnly(IMAGE + ":2.2.15");
        assertThat(containers.signIns()).containsExactly("app-00004 refused", "app-00005 signed in");
        assertThat(installed()).as("no downgrade recorded by the driver")
                .containsExactly("install=2.2.15", "upgrade=2.2.17", "rollback=2.2.15");
    }

    /** For a replacement that must never get as far as using it. */
    private static final class Unused implements Replacement {

        @Override
        public Duration readyTimeout() {
            return READY_TIMEOUT;
        }

        @Override
        public void holdOut(String nodeId) {
            throw new AssertionError("nothing is held out of a refused upgrade");
        }

        @Override
        public void verify(String nodeId) {
            throw new AssertionError("nothing is verified in a refused upgrade");
        }
    }

    private void firstStart() {
        new FirstStart(driver, new StepList(new PrintStream(new ByteArrayOutputStream())), READY_TIMEOUT).run();
    }

    private void startAndAwait(String... ids) {
        for (String id : ids) {
            driver.start(id);
        }
        for (String id : ids) {
            driver.awaitReady(id, READY_TIMEOUT);
        }
    }

    /** As Nodes.stopAll stops them. */
    private void stopInParallel(String... ids) {
        CompletableFuture.allOf(List.of(ids).stream()
                .map(id -> CompletableFuture.runAsync(() -> driver.stop(id)))
                .toArray(CompletableFuture[]::new)).join();
    }

    private NodeStatus node(String id) {
        return driver.nodes().stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow();
    }

    /** The pods, oldest first. */
    private List<Pod> pods() {
        return client.pods().inNamespace(NAMESPACE).list().getItems().stream()
                .sorted(java.util.Comparator.comparing(ReleasePods::name)).toList();
    }

    private String image(Pod pod) {
        return pod.getSpec().getContainers().get(0).getImage();
    }

    private List<String> installed() {
        return TestDatabase.pairs(db, "SELECT kind, release_version FROM pitstop.installations ORDER BY id");
    }

    /** NocoBase's release descriptor as `pitstop release nocobase` writes it for {@code version}. */
    private Release release(String version) {
        Path dir = home.resolve("releases").resolve(version);
        try {
            if (!Files.isDirectory(dir)) {
                ObjectNode descriptor = (ObjectNode) JSON.readTree(NOCOBASE_RELEASE.toFile());
                descriptor.put("version", version);
                Files.createDirectories(dir);
                JSON.writeValue(dir.resolve(Release.DESCRIPTOR).toFile(), descriptor);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Release.open(dir);
    }
}
