package dev.pitstop.driver.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.control.Installations;
import dev.pitstop.control.NodeState;
import dev.pitstop.driver.NodeDriver;
import dev.pitstop.driver.NodeFailedException;
import dev.pitstop.driver.NodeStatus;
import dev.pitstop.driver.Replacement;
import dev.pitstop.home.KubernetesSettings;
import dev.pitstop.procedure.FirstStart;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.procedure.StepList;
import dev.pitstop.release.Release;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;
import dev.pitstop.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes node driver against fabric8's mock API server in CRUD mode, which stores objects
 * but runs no controller: {@link FakeController} plays the Deployment controller, writing into the
 * status the pods the spec asks for, ready or not as the test says. Each scenario makes the driver
 * calls of a procedure, in the procedure's order, and checks the Deployment after every call.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesNodeDriverTest {

    static {
        // The mock server logs every request through java.util.logging.
        Logger.getLogger("io.fabric8.mockwebserver").setLevel(Level.WARNING);
    }

    private static final String NAMESPACE = "shop";
    private static final KubernetesSettings.Database DATABASE =
            new KubernetesSettings.Database("jdbc:postgresql://postgres:5432/app", "app", null);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private static final KubernetesSettings SETTINGS = new KubernetesSettings("app", NAMESPACE, null,
            "registry.example.com/app", null, null, DATABASE, null, null);

    /** The driver's record of installs, which only a process release's pods need: there are none here. */
    private static Installations installations;

    KubernetesClient client;
    private FakeController controller;
    private NodeDriver driver;
    private final List<String> steps = new ArrayList<>();

    @BeforeAll
    static void database() {
        installations = new Installations(KubernetesProcessReleaseTest.controlDb(TestDatabase.create()));
    }

    @BeforeEach
    void deployment() {
        client.apps().deployments().inNamespace(NAMESPACE).resource(new DeploymentBuilder()
                .withNewMetadata().withName("app").withNamespace(NAMESPACE)
                .addToAnnotations(KubernetesNodeDriver.REPLICAS, "3").endMetadata()
                .withNewSpec().withReplicas(0)
                .withNewSelector().addToMatchLabels("app", "pitstop").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "pitstop").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("registry.example.com/app:1.0.0")
                .endContainer().endSpec().endTemplate()
                .endSpec().build()).create();
        controller = FakeController.start(client, NAMESPACE, "app");
        driver = new Recording(new KubernetesNodeDriver(client, SETTINGS, installations));
    }

    @AfterEach
    void stop() throws InterruptedException {
        controller.close();
    }

    @Test
    void firstStartScalesToOneThenToTheFullSize() {
        new FirstStart(driver, new StepList(new PrintStream(new ByteArrayOutputStream())), READY_TIMEOUT).run();

        assertThat(steps).containsExactly(
                "start node-1: replicas 1, image registry.example.com/app:1.0.0, action 'start node-1'",
                "start node-2: replicas 2, image registry.example.com/app:1.0.0, action 'start node-2'",
                "start node-3: replicas 3, image registry.example.com/app:1.0.0, action 'start node-3'");
        assertThat(driver.nodes()).extracting(NodeStatus::state).containsOnly(NodeState.READY);
        assertThat(annotation(KubernetesNodeDriver.ACTION_AT)).isNotBlank();
    }

    @Test
    void upgradeThenRollbackOfAReleaseThatNeverGetsReady() {
        startAll();
        steps.clear();

        // Upgrade: every node stopped, the release switched, one node, then the others.
        stopAll();
        driver.useRelease(release("1.1.0"));
        startAndAwait("node-1");
        startAndAwait("node-2", "node-3");

        assertThat(steps).containsExactly(
                "stop node-1, node-2, node-3: replicas 0, image registry.example.com/app:1.0.0, action 'stop node-1'",
                "release 1.1.0: replicas 0, image registry.example.com/app:1.1.0, action 'release 1.1.0 "
                        + "(registry.example.com/app:1.1.0)'",
                "start node-1: replicas 1, image registry.example.com/app:1.1.0, action 'start node-1'",
                "start node-2: replicas 2, image registry.example.com/app:1.1.0, action 'start node-2'",
                "start node-3: replicas 3, image registry.example.com/app:1.1.0, action 'start node-3'");
        assertThat(annotation(KubernetesNodeDriver.RELEASE)).isEqualTo("1.1.0");
        steps.clear();

        // The broken release's first pod never gets ready: the controller reports the rollout stuck.
        stopAll();
        driver.useRelease(release("1.2.0-broken"));
        controller.failPods("registry.example.com/app:1.2.0-broken", "ProgressDeadlineExceeded",
                "ReplicaSet app-7d9 has timed out progressing");
        driver.start("node-1");
        assertThatThrownBy(() -> driver.awaitReady("node-1", READY_TIMEOUT))
                .isInstanceOf(NodeFailedException.class)
                .hasMessageContaining("node-1 of deployment shop/app did not become ready: ProgressDeadlineExceeded");

        // The rollback: stopped, the previous release, one node, then the others.
        stopAll();
        controller.healPods();
        driver.useRelease(release("1.1.0"));
        startAndAwait("node-1");
        startAndAwait("node-2", "node-3");

        assertThat(steps).containsExactly(
                "stop node-1, node-2, node-3: replicas 0, image registry.example.com/app:1.1.0, action 'stop node-1'",
                "release 1.2.0-broken: replicas 0, image registry.example.com/app:1.2.0-broken, action 'release "
                        + "1.2.0-broken (registry.example.com/app:1.2.0-broken)'",
                "start node-1: replicas 1, image registry.example.com/app:1.2.0-broken, action 'start node-1'",
                "stop node-1, node-2, node-3: replicas 0, image registry.example.com/app:1.2.0-broken, action "
                        + "'stop node-1'",
                "release 1.1.0: replicas 0, image registry.example.com/app:1.1.0, action 'release 1.1.0 "
                        + "(registry.example.com/app:1.1.0)'",
                "start node-1: replicas 1, image registry.example.com/app:1.1.0, action 'start node-1'",
                "start node-2: replicas 2, image registry.example.com/app:1.1.0, action 'start node-2'",
                "start node-3: replicas 3, image registry.example.com/app:1.1.0, action 'start node-3'");
        assertThat(driver.nodes()).extracting(NodeStatus::state).containsOnly(NodeState.READY);
    }

    @Test
    void maintenanceWindowScalesDownToOneNodeAndBack() {
        startAll();
        steps.clear();

        // begin: the first ready node stays, the others stop (in parallel, as the procedure does).
        stopInParallel("node-2", "node-3");
        assertThat(driver.nodes()).extracting(NodeStatus::state)
                .containsExactly(NodeState.READY, NodeState.STOPPED, NodeState.STOPPED);
        // end: the others start again.
        startAndAwait("node-2", "node-3");

        assertThat(steps).containsExactly(
                "stop node-2, node-3: replicas 1, image registry.example.com/app:1.0.0, action 'stop node-2'",
                "start node-2: replicas 2, image registry.example.com/app:1.0.0, action 'start node-2'",
                "start node-3: replicas 3, image registry.example.com/app:1.0.0, action 'start node-3'");
        assertThat(annotation(KubernetesNodeDriver.REPLICAS)).isEqualTo("3");
    }

    @Test
    void refusesToSwitchTheReleaseWhilePodsRun() {
        startAll();

        assertThatThrownBy(() -> driver.useRelease(release("1.1.0")))
                .isInstanceOf(OperationException.class)
                .hasMessage("cannot switch deployment shop/app to release 1.1.0 while 3 of its pods run; stop them "
                        + "first");
        assertThat(image()).isEqualTo("registry.example.com/app:1.0.0");
    }

    @Test
    void takesTheSizeOfADeploymentWithoutAnnotationsFromItsReplicas() {
        // The fake controller writes the status meanwhile: an edit racing it gets a 409, as the driver's would.
        ApiObjects.retryingConflicts("clear the annotations", "deployment app", () ->
                client.apps().deployments().inNamespace(NAMESPACE).withName("app").edit(d -> {
                    d.getMetadata().setAnnotations(null);
                    d.getSpec().setReplicas(2);
                    return d;
                }));

        driver.stop("node-2");

        assertThat(read().getSpec().getReplicas()).isEqualTo(1);
        assertThat(annotation(KubernetesNodeDriver.REPLICAS)).isEqualTo("2");
        assertThat(driver.nodeIds()).containsExactly("node-1", "node-2");
    }

    @Test
    void onlineRollReplacesOnePodAtATimeEachVerifiedBeforeAnOldOneGoes() {
        startAll();
        steps.clear();
        controller.watchRoll();

        for (String id : driver.nodeIds()) {
            driver.replace(id, release("1.1.0"), new Verifier("1.1.0", null));
        }

        assertThat(steps).containsExactly(
                "verify app-00004: 1 pod of 1.1.0 (1 ready), 3 of other releases",
                "replace node-1",
                "verify app-00005: 2 pods of 1.1.0 (2 ready), 2 of other releases",
                "replace node-2",
                "verify app-00006: 3 pods of 1.1.0 (3 ready), 1 of other releases",
                "replace node-3");
        assertRunsOnly("1.1.0", "app-00004", "app-00005", "app-00006");
        assertSurgedByOnePodWithoutLosingOne();
        assertThat(read().getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal()).isEqualTo(1);
        assertThat(read().getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
        assertThat(annotation(KubernetesNodeDriver.RELEASE)).isEqualTo("1.1.0");
    }

    @Test
    void aNewPodThatNeverGetsReadyStopsTheRollAndTheRollbackLeavesOnlyTheOldRelease() {
        startAll();
        steps.clear();
        controller.watchRoll();
        controller.failPods("registry.example.com/app:1.1.0", "ProgressDeadlineExceeded", "back-off restarting");

        assertThatThrownBy(() -> driver.replace("node-1", release("1.1.0"), new Verifier("1.1.0", null)))
                .isInstanceOf(NodeFailedException.class)
                .hasMessageContaining("node-1 of deployment shop/app: pod app-00004: container app is "
                        + "CrashLoopBackOff (back-off restarting)");
        rollBack();

        assertRunsOnly("1.0.0", "app-00001", "app-00002", "app-00003");
        assertSurgedByOnePodWithoutLosingOne();
    }

    @Test
    void aNewPodOfTheWrongVersionStopsTheRollAndTheRollbackReplacesThePodsOfTheNewRelease() {
        startAll();
        steps.clear();
        controller.watchRoll();

        driver.replace("node-1", release("1.1.0"), new Verifier("1.1.0", null));
        assertThatThrownBy(() -> driver.replace("node-2", release("1.1.0"), new Verifier("1.1.0", "app-00005")))
                .isInstanceOf(OperationException.class)
                .hasMessage("app-00005 reports version 1.0.9, expected 1.1.0");
        rollBack();

        assertThat(read().getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("registry.example.com/app:1.0.0");
        assertThat(pods()).extracting(p -> p.getSpec().getContainers().get(0).getImage())
                .containsOnly("registry.example.com/app:1.0.0").hasSize(3);
        assertThat(pods()).extracting(p -> p.getMetadata().getName()).doesNotContain("app-00004", "app-00005");
        assertSurgedByOnePodWithoutLosingOne();
        assertThat(read().getSpec().getPaused()).isFalse();
    }

    @Test
    void aRollInterruptedWhileVerifyingAPodIsResumedByAnotherProcess() {
        startAll();
        steps.clear();
        controller.watchRoll();
        driver.replace("node-1", release("1.1.0"), new Verifier("1.1.0", null));
        assertThatThrownBy(() -> driver.replace("node-2", release("1.1.0"), new Verifier("1.1.0", null) {
            @Override
            public void verify(String pod) {
                throw new IllegalStateException("the operator was killed while verifying " + pod);
            }
        })).hasMessage("the operator was killed while verifying app-00005");
        assertThat(read().getSpec().getPaused()).as("the roll waits, paused").isTrue();
        steps.clear();

        // --resume: a new process, knowing nothing of the pods verified before, runs the step again.
        NodeDriver resumed = new KubernetesNodeDriver(client, SETTINGS, installations);
        resumed.replace("node-2", release("1.1.0"), new Verifier("1.1.0", null));
        resumed.replace("node-3", release("1.1.0"), new Verifier("1.1.0", null));

        assertThat(steps).containsExactly(
                "verify app-00004: 2 pods of 1.1.0 (2 ready), 2 of other releases",
                "verify app-00005: 2 pods of 1.1.0 (2 ready), 2 of other releases",
                "verify app-00006: 3 pods of 1.1.0 (3 ready), 1 of other releases");
        assertRunsOnly("1.1.0", "app-00004", "app-00005", "app-00006");
        assertSurgedByOnePodWithoutLosingOne();
    }

    /** The online upgrade's rollback: each node put back on the release before, last node first. */
    private void rollBack() {
        for (String id : List.of("node-3", "node-2", "node-1")) {
            driver.replace(id, release("1.0.0"), new Verifier("1.0.0", null));
        }
    }

    /** Never more than one pod above the three replicas, never fewer than three ready pods, in any state. */
    private void assertSurgedByOnePodWithoutLosingOne() {
        assertThat(controller.mostPods()).isEqualTo(4);
        assertThat(controller.fewestReady()).isEqualTo(3);
    }

    private void assertRunsOnly(String version, String... podNames) {
        assertThat(pods()).extracting(p -> p.getMetadata().getName()).containsExactlyInAnyOrder(podNames);
        assertThat(pods()).extracting(p -> p.getSpec().getContainers().get(0).getImage())
                .containsOnly("registry.example.com/app:" + version);
        assertThat(pods()).allMatch(ReleasePods::ready);
        assertThat(read().getSpec().getPaused()).isFalse();
    }

    private List<Pod> pods() {
        return client.pods().inNamespace(NAMESPACE).list().getItems();
    }

    /**
     * Verifies a pod as the online upgrade does, by the version it reports — here the image's tag,
     * except for {@code wrongVersion}, which reports another — and records the pods at that moment.
     */
    private class Verifier implements Replacement {

        private final String version;
        private final String wrongVersion;

        Verifier(String version, String wrongVersion) {
            this.version = version;
            this.wrongVersion = wrongVersion;
        }

        @Override
        public Duration readyTimeout() {
            return READY_TIMEOUT;
        }

        @Override
        public void holdOut(String nodeId) {
            throw new AssertionError("a pod is never held out: the Service follows its readiness");
        }

        @Override
        public void verify(String pod) {
            String image = client.pods().inNamespace(NAMESPACE).withName(pod).get().getSpec().getContainers().get(0)
                    .getImage();
            String reported = pod.equals(wrongVersion) ? "1.0.9" : image.substring(image.lastIndexOf(':') + 1);
            if (!reported.equals(version)) {
                throw OperationException.failed(pod + " reports version " + reported + ", expected " + version);
            }
            List<Pod> all = pods();
            List<Pod> ofVersion = all.stream().filter(p -> p.getSpec().getContainers().get(0).getImage()
                    .equals("registry.example.com/app:" + version)).toList();
            steps.add("verify " + pod + ": " + ofVersion.size() + (ofVersion.size() == 1 ? " pod" : " pods") + " of "
                    + version + " (" + ofVersion.stream().filter(ReleasePods::ready).count() + " ready), "
                    + (all.size() - ofVersion.size()) + " of other releases");
        }
    }

    private void startAll() {
        startAndAwait("node-1", "node-2", "node-3");
    }

    private void startAndAwait(String... ids) {
        for (String id : ids) {
            driver.start(id);
        }
        for (String id : ids) {
            driver.awaitReady(id, READY_TIMEOUT);
        }
    }

    private void stopAll() {
        stopInParallel("node-1", "node-2", "node-3");
    }

    /**
     * Parallel stops, as Nodes.stopAll makes them: each reads the replicas it lowers, none may undo
     * another. Whatever their order, the lowest node's stop makes the last change.
     */
    private void stopInParallel(String... ids) {
        CompletableFuture.allOf(List.of(ids).stream()
                .map(id -> CompletableFuture.runAsync(() -> ((Recording) driver).delegate.stop(id)))
                .toArray(CompletableFuture[]::new)).join();
        steps.add("stop " + String.join(", ", ids) + ": " + snapshot());
    }

    private static Release release(String version) {
        return new Release(Path.of("releases", version), "demo", version);
    }

    private Deployment read() {
        return client.apps().deployments().inNamespace(NAMESPACE).withName("app").get();
    }

    private String annotation(String key) {
        return read().getMetadata().getAnnotations().get(key);
    }

    private String image() {
        return read().getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    /** The Deployment as the mock server holds it: what a procedure's step left behind. */
    private String snapshot() {
        return "replicas " + read().getSpec().getReplicas() + ", image " + image() + ", action '"
                + annotation(KubernetesNodeDriver.ACTION) + "'";
    }

    /** Records the Deployment after each change the driver makes. */
    private final class Recording implements NodeDriver {

        private final NodeDriver delegate;

        Recording(NodeDriver delegate) {
            this.delegate = delegate;
        }

        @Override
        public List<String> nodeIds() {
            return delegate.nodeIds();
        }

        @Override
        public void start(String nodeId) {
            delegate.start(nodeId);
            steps.add("start " + nodeId + ": " + snapshot());
        }

        @Override
        public void stop(String nodeId) {
            delegate.stop(nodeId);
            steps.add("stop " + nodeId + ": " + snapshot());
        }

        @Override
        public void useRelease(Release release) {
            delegate.useRelease(release);
            steps.add("release " + release.version() + ": " + snapshot());
        }

        @Override
        public void replace(String nodeId, Release release, Replacement replacement) {
            delegate.replace(nodeId, release, replacement);
            steps.add("replace " + nodeId);
        }

        @Override
        public List<NodeStatus> nodes() {
            return delegate.nodes();
        }

        @Override
        public void awaitReady(String nodeId, Duration timeout) {
            delegate.awaitReady(nodeId, timeout);
        }
    }
}
