package dev.pitstop.tests;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitstop.db.DbSettings;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Plays what the mock API server lacks — the Deployment controller and the kubelets — with real
 * node processes: the Deployment's replicas are that many nodes of the demo release its image tag
 * names, started and stopped (gracefully) as the replicas change, and its status reports them as
 * Kubernetes would: pods, ready pods (their {@code /health/ready}), the generation observed. A pod
 * whose node failed is reported as a stuck rollout, as Kubernetes does once its progress deadline
 * passes (here at once, so a test does not wait out the deadline).
 */
final class SimulatedKubelet implements AutoCloseable {

    private final RollableScalableResource<Deployment> deployment;
    private final DbSettings db;
    private final List<NodeProcess> pods = new ArrayList<>();
    private final Thread thread;
    /** The endpoints of the Deployment's pods, as a Service would see them. */
    private volatile List<String> readyUrls = List.of();
    private volatile boolean running = true;
    private int podsCreated;

    private SimulatedKubelet(RollableScalableResource<Deployment> deployment, DbSettings db) {
        this.deployment = deployment;
        this.db = db;
        this.thread = new Thread(this::run, "simulated-kubelet");
    }

    static SimulatedKubelet start(KubernetesClient client, String namespace, String name, DbSettings db) {
        SimulatedKubelet kubelet = new SimulatedKubelet(client.apps().deployments().inNamespace(namespace)
                .withName(name), db);
        kubelet.thread.start();
        return kubelet;
    }

    /** The URLs of the pods that are ready and not terminating. */
    List<String> readyUrls() {
        return readyUrls;
    }

    /** How many pods run now. */
    synchronized int pods() {
        return pods.size();
    }

    private void run() {
        while (running) {
            try {
                reconcile();
                Thread.sleep(100);
            } catch (KubernetesClientException e) {
                // A conflict with the driver's change: the next round sees it.
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void reconcile() throws InterruptedException {
        Deployment current = deployment.get();
        int replicas = current.getSpec().getReplicas();
        String image = current.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
        String version = image.substring(image.lastIndexOf(':') + 1);
        synchronized (this) {
            while (pods.size() > replicas) {
                NodeProcess terminating = pods.remove(pods.size() - 1);
                // Kubernetes takes a terminating pod out of its Services' endpoints before it stops it.
                readyUrls = readyUrls.stream().filter(url -> !url.equals(terminating.url())).toList();
                terminating.close();
            }
            while (pods.size() < replicas) {
                pods.add(NodeProcess.start(Demo.release(version), db, "app-pod-" + ++podsCreated));
            }
        }
        List<String> ready = new ArrayList<>();
        String failure = null;
        for (NodeProcess pod : snapshot()) {
            String state = state(pod);
            if (state.equals("ready")) {
                ready.add(pod.url());
            } else if (state.equals("failed") || !pod.isAlive()) {
                failure = "pod " + pod.id() + " of release " + version + " is " + state;
            }
        }
        readyUrls = List.copyOf(ready);
        List<DeploymentCondition> conditions = failure == null ? List.of()
                : List.of(new DeploymentConditionBuilder().withType("Progressing").withStatus("False")
                        .withReason("ProgressDeadlineExceeded").withMessage(failure).build());
        DeploymentStatus status = new DeploymentStatusBuilder()
                .withReplicas(pods()).withReadyReplicas(ready.size()).withUpdatedReplicas(pods())
                .withObservedGeneration(current.getMetadata().getGeneration()).withConditions(conditions)
                .build();
        if (!status.equals(current.getStatus())) {
            deployment.editStatus(d -> {
                d.setStatus(status);
                return d;
            });
        }
    }

    private synchronized List<NodeProcess> snapshot() {
        return List.copyOf(pods);
    }

    private static String state(NodeProcess pod) {
        if (!pod.isAlive()) {
            return "exited";
        }
        try {
            JsonNode health = Http.json(Http.get(pod.url() + "/health/ready"));
            return health.path("state").asText("unknown");
        } catch (UncheckedIOException e) {
            return "starting";
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join();
        synchronized (this) {
            NodeProcess.closeAll(pods);
            pods.clear();
        }
    }
}
