package dev.pitstop.driver.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDeployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Plays the Deployment controller and the kubelets the mock API server lacks. Its pods live here,
 * each with its image and readiness, and are mirrored into the API as Pod objects (the driver lists
 * them); every 50 ms a round follows the Deployment's spec as the real controller does: with
 * {@code Recreate}, the old pods go before new ones start; with {@code RollingUpdate}, at most
 * {@code maxSurge} pods more than the replicas, and an old pod goes only while at least
 * {@code replicas - maxUnavailable} pods stay ready; a paused Deployment is not rolled at all.
 * The status reports the pods, ready pods, the pods of the current template and the generation
 * observed.
 *
 * <p>A new pod becomes ready in the round after it was created — during a roll, only once the
 * Deployment is paused: a real pod takes seconds to start, the driver pauses the roll within a poll
 * of seeing the pod, and the fake makes that order certain instead of likely. A pod of an image
 * given to {@link #failPods} never becomes ready: its container is reported in
 * {@code CrashLoopBackOff} and the rollout stuck, as Kubernetes reports a release whose pods never get
 * ready. The largest number of pods and the smallest number of ready ones are kept from
 * {@link #watchRoll()} on, after every change, so that a test sees every state, not samples.
 * Only this thread writes pods and the Deployment's status; an edit that conflicts with the driver's
 * (a 409) is made again in the next round, which recomputes it from the spec.
 *
 * <p>Pods have no container that runs unless the test gives {@link Containers}: then each pod's
 * container is started as the pod is created and stopped as it goes, and the pod gets the IP
 * 127.0.0.1 and the container's port as its spec's {@code containerPort}, so that the driver finds a
 * pod at its own address as on a cluster (where pods share the port and differ by IP).
 */
final class FakeController implements AutoCloseable {

    private final KubernetesClient client;
    private final String namespace;
    private final RollableScalableResource<Deployment> deployment;
    private final Thread thread;
    /** The pods, oldest first; only the controller's thread touches them. */
    private final List<FakePod> pods = new ArrayList<>();
    private final Containers containers;
    /** What the API holds of each pod: whether it is ready. */
    private final Map<String, Boolean> written = new HashMap<>();
    private volatile String failingImage;
    private volatile DeploymentCondition failure;
    private volatile boolean running = true;
    private volatile boolean watching;
    private volatile int mostPods;
    private volatile int fewestReady = Integer.MAX_VALUE;
    private int created;

    /** What runs in the pods, for a test whose pods answer requests. */
    interface Containers {

        /** Starts the container of pod {@code pod}, of {@code image}, at 127.0.0.1; returns its port. */
        int start(String pod, String image);

        /** Stops it: the pod is gone. */
        void stop(String pod);
    }

    private FakeController(KubernetesClient client, String namespace, String name, Containers containers) {
        this.client = client;
        this.containers = containers;
        this.namespace = namespace;
        this.deployment = client.apps().deployments().inNamespace(namespace).withName(name);
        this.thread = new Thread(this::run, "fake-deployment-controller");
    }

    static FakeController start(KubernetesClient client, String namespace, String name) {
        return start(client, namespace, name, null);
    }

    /** The same, each pod running a container of {@code containers}. */
    static FakeController start(KubernetesClient client, String namespace, String name, Containers containers) {
        FakeController controller = new FakeController(client, namespace, name, containers);
        controller.thread.start();
        return controller;
    }

    /** Pods of {@code image} never become ready, and the rollout is reported stuck. */
    void failPods(String image, String reason, String message) {
        failure = new DeploymentConditionBuilder().withType("Progressing").withStatus("False").withReason(reason)
                .withMessage(message).build();
        failingImage = image;
    }

    void healPods() {
        failingImage = null;
        failure = null;
    }

    /** From now on, keeps the largest number of pods and the smallest number of ready pods. */
    void watchRoll() {
        mostPods = 0;
        fewestReady = Integer.MAX_VALUE;
        watching = true;
    }

    int mostPods() {
        return mostPods;
    }

    int fewestReady() {
        return fewestReady;
    }

    private void run() {
        while (running) {
            try {
                reconcile();
                Thread.sleep(50);
            } catch (KubernetesClientException e) {
                // A conflict with the driver's change (the next round sees it), or the client closing.
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void reconcile() {
        Deployment current = deployment.get();
        int replicas = current.getSpec().getReplicas();
        String image = current.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
        boolean paused = Boolean.TRUE.equals(current.getSpec().getPaused());
        boolean rolling = pods.stream().anyMatch(pod -> !pod.image.equals(image));
        for (FakePod pod : pods) {
            if (!pod.ready && !pod.image.equals(failingImage) && (paused || !rolling)) {
                pod.ready = true;
            }
        }
        if (!paused) {
            if (isRecreate(current)) {
                recreate(replicas, image);
            } else {
                roll(current.getSpec().getStrategy().getRollingUpdate(), replicas, image);
            }
        }
        writePods(current);
        writeStatus(current, replicas, image);
    }

    private static boolean isRecreate(Deployment deployment) {
        return deployment.getSpec().getStrategy() == null
                || "Recreate".equals(deployment.getSpec().getStrategy().getType());
    }

    private void recreate(int replicas, String image) {
        List<FakePod> old = pods.stream().filter(pod -> !pod.image.equals(image)).toList();
        if (!old.isEmpty()) {
            old.forEach(this::remove);
            return;
        }
        scale(replicas, image);
    }

    /** One step of a rolling update, as the controller's reconcileNewReplicaSet and reconcileOldReplicaSets. */
    private void roll(RollingUpdateDeployment strategy, int replicas, String image) {
        List<FakePod> old = pods.stream().filter(pod -> !pod.image.equals(image)).toList();
        if (old.isEmpty()) {
            scale(replicas, image);
            return;
        }
        int surge = count(strategy.getMaxSurge());
        int unavailable = count(strategy.getMaxUnavailable());
        long current = pods.size() - old.size();
        while (current < replicas && pods.size() < replicas + surge) {
            add(image);
            current++;
        }
        int minAvailable = replicas - unavailable;
        long newUnready = pods.stream().filter(pod -> pod.image.equals(image) && !pod.ready).count();
        long budget = pods.size() - minAvailable - newUnready;
        for (FakePod pod : old.stream().filter(pod -> !pod.ready).toList()) {
            if (budget-- > 0) {
                remove(pod);
            }
        }
        for (FakePod pod : old.stream().filter(pod -> pod.ready).toList()) {
            if (budget-- > 0 && ready() > minAvailable) {
                remove(pod);
            }
        }
    }

    private long ready() {
        return pods.stream().filter(pod -> pod.ready).count();
    }

    private static int count(IntOrString value) {
        return value == null ? 1 : value.getIntVal();
    }

    /** Only pods of {@code image} run: as many as the replicas, the newest going first. */
    private void scale(int replicas, String image) {
        while (pods.size() < replicas) {
            add(image);
        }
        while (pods.size() > replicas) {
            remove(pods.get(pods.size() - 1));
        }
    }

    private void add(String image) {
        String name = String.format("app-%05d", ++created);
        pods.add(new FakePod(name, image, containers == null ? null : containers.start(name, image)));
        observe();
    }

    private void remove(FakePod pod) {
        pods.remove(pod);
        if (containers != null) {
            containers.stop(pod.name);
        }
        observe();
    }

    private void observe() {
        if (watching) {
            mostPods = Math.max(mostPods, pods.size());
            fewestReady = (int) Math.min(fewestReady, ready());
        }
    }

    /** The pods into the API: new ones created, gone ones deleted, changed readiness written. */
    private void writePods(Deployment current) {
        Map<String, String> labels = current.getSpec().getSelector().getMatchLabels();
        List<String> names = pods.stream().map(pod -> pod.name).toList();
        for (String gone : new ArrayList<>(written.keySet())) {
            if (!names.contains(gone)) {
                client.pods().inNamespace(namespace).withName(gone).delete();
                written.remove(gone);
            }
        }
        for (FakePod pod : pods) {
            if (!written.containsKey(pod.name)) {
                client.pods().inNamespace(namespace).resource(new PodBuilder()
                        .withNewMetadata().withName(pod.name).withNamespace(namespace).withLabels(labels).endMetadata()
                        .withNewSpec().addNewContainer().withName("app").withImage(pod.image)
                        .withPorts(pod.port == null ? List.of() : List.of(new ContainerPortBuilder().withName("http")
                                .withContainerPort(pod.port).build())).endContainer().endSpec()
                        .withStatus(status(pod)).build()).create();
                written.put(pod.name, pod.ready);
            } else if (written.get(pod.name) != pod.ready) {
                client.pods().inNamespace(namespace).withName(pod.name).editStatus(p -> {
                    p.setStatus(status(pod));
                    return p;
                });
                written.put(pod.name, pod.ready);
            }
        }
    }

    private PodStatus status(FakePod pod) {
        PodStatusBuilder status = new PodStatusBuilder().withPhase("Running")
                .withPodIP(pod.port == null ? null : "127.0.0.1")
                .addNewCondition().withType("Ready").withStatus(pod.ready ? "True" : "False").endCondition();
        if (pod.image.equals(failingImage)) {
            status.addNewContainerStatus().withName("app").withNewState().withNewWaiting()
                    .withReason("CrashLoopBackOff").withMessage(failure.getMessage()).endWaiting().endState()
                    .endContainerStatus();
        }
        return status.build();
    }

    private void writeStatus(Deployment current, int replicas, String image) {
        boolean stuck = failure != null && pods.stream().anyMatch(pod -> pod.image.equals(failingImage));
        DeploymentStatus status = new DeploymentStatusBuilder()
                .withReplicas(pods.size()).withReadyReplicas((int) ready())
                .withUpdatedReplicas((int) pods.stream().filter(pod -> pod.image.equals(image)).count())
                .withObservedGeneration(current.getMetadata().getGeneration())
                .withConditions(stuck ? List.of(failure) : List.of())
                .build();
        if (!status.equals(current.getStatus())) {
            deployment.editStatus(d -> {
                d.setStatus(status);
                return d;
            });
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join();
    }

    /** A pod: its name orders it by creation. */
    private static final class FakePod {

        final String name;
        final String image;
        /** Its container's port, when it runs one. */
        final Integer port;
        boolean ready;

        FakePod(String name, String image, Integer port) {
            this.name = name;
            this.image = image;
            this.port = port;
        }
    }
}
