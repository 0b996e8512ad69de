package dev.pitstop.driver.kubernetes;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import java.util.List;

/**
 * Plays the Deployment controller the mock API server lacks: every 50 ms it writes into the
 * Deployment's status the pods its spec asks for, all ready — or, after {@link #failPods}, none
 * ready and the rollout reported stuck, as Kubernetes reports a release whose pods never get ready.
 */
final class FakeController implements AutoCloseable {

    private final RollableScalableResource<Deployment> deployment;
    private final Thread thread;
    private volatile DeploymentCondition failure;
    private volatile boolean running = true;

    private FakeController(RollableScalableResource<Deployment> deployment) {
        this.deployment = deployment;
        this.thread = new Thread(this::run, "fake-deployment-controller");
    }

    static FakeController start(KubernetesClient client, String namespace, String name) {
        FakeController controller = new FakeController(client.apps().deployments().inNamespace(namespace).withName(name));
        controller.thread.start();
        return controller;
    }

    void failPods(String reason, String message) {
        failure = new DeploymentConditionBuilder().withType("Progressing").withStatus("False").withReason(reason)
                .withMessage(message).build();
    }

    void healPods() {
        failure = null;
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
        DeploymentCondition stuck = failure;
        DeploymentStatus status = new DeploymentStatusBuilder()
                .withReplicas(replicas).withReadyReplicas(stuck == null ? replicas : 0).withUpdatedReplicas(replicas)
                .withObservedGeneration(current.getMetadata().getGeneration())
                .withConditions(stuck == null || replicas == 0 ? List.of() : List.of(stuck))
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
}
