package dev.pitstop.driver.kubernetes;

import dev.pitstop.control.NodeState;
import dev.pitstop.driver.NodeDriver;
import dev.pitstop.driver.NodeFailedException;
import dev.pitstop.driver.NodeStatus;
import dev.pitstop.home.KubernetesSettings;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.release.Release;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The nodes are the pods of the application's Deployment. Node {@code node-K} is the Deployment's
 * K-th replica: starting it scales the Deployment up to at least K replicas, stopping it scales
 * down to fewer than K, so the procedures' "one node first, then the others" becomes "scale to one,
 * then back". Which pod Kubernetes removes on a scale-down is its choice; every pod is alike.
 *
 * <p>The cluster's full size is kept in the annotation {@value #REPLICAS} (from the replicas the
 * Deployment had when Pitstop first saw it), since procedures scale it to zero. Every change also
 * records what Pitstop did and when ({@value #ACTION}, {@value #ACTION_AT}), for whoever looks at the
 * Deployment. Readiness is the Deployment's status as its controller reports it, counted only once
 * the controller has observed the latest change, so a status from before a scale-down never
 * passes for readiness after it.
 */
public final class KubernetesNodeDriver implements NodeDriver {

    public static final String REPLICAS = "pitstop.dev/replicas";
    public static final String RELEASE = "pitstop.dev/release";
    public static final String ACTION = "pitstop.dev/action";
    public static final String ACTION_AT = "pitstop.dev/action-at";

    private static final String NODE_PREFIX = "node-";
    /** Draining a pod takes its termination grace period; allow for that and for the pod to be deleted. */
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration POLL = Duration.ofMillis(250);
    /** Endpoints follow a pod's readiness, then kube-proxy the endpoints, each within seconds. */
    private static final Duration SERVICE_ROUTING_DELAY = Duration.ofSeconds(30);

    private final KubernetesClient client;
    private final KubernetesSettings settings;
    private final String namespace;

    public KubernetesNodeDriver(KubernetesClient client, KubernetesSettings settings) {
        this.client = client;
        this.settings = settings;
        this.namespace = settings.namespace() != null ? settings.namespace() : client.getNamespace();
    }

    @Override
    public List<String> nodeIds() {
        return nodeIds(deployment());
    }

    /** Synchronized, as each change reads the replicas it changes: parallel stops must not undo each other. */
    @Override
    public synchronized void start(String nodeId) {
        int k = index(nodeId);
        change("start " + nodeId, d -> replicas(d) >= k ? null : withReplicas(d, k));
    }

    @Override
    public void stop(String nodeId) {
        int k = index(nodeId);
        synchronized (this) {
            change("stop " + nodeId, d -> replicas(d) < k ? null : withReplicas(d, k - 1));
        }
        // A stuck rollout is no reason to give up here: stopping its pods is what ends it.
        await(nodeId, STOP_TIMEOUT, d -> observed(d) && pods(d) < k, "stopped", false);
    }

    /** Refused while any pod runs: a cluster never runs two releases at once. */
    @Override
    public synchronized void useRelease(Release release) {
        Deployment current = deployment();
        if (replicas(current) > 0 || pods(current) > 0) {
            throw OperationException.refused("cannot switch " + describe() + " to release " + release.version()
                    + " while " + Math.max(replicas(current), pods(current)) + " of its pods run; stop them first");
        }
        String image = settings.image() + ":" + release.version();
        change("release " + release.version() + " (" + image + ")", d -> {
            container(d).setImage(image);
            ApiObjects.annotations(d).put(RELEASE, release.version());
            return d;
        });
    }

    @Override
    public List<NodeStatus> nodes() {
        Deployment deployment = deployment();
        int ready = ready(deployment);
        List<NodeStatus> nodes = new ArrayList<>();
        for (String id : nodeIds(deployment)) {
            int k = index(id);
            NodeState state = k <= ready ? NodeState.READY : k <= replicas(deployment) ? NodeState.STARTING
                    : NodeState.STOPPED;
            nodes.add(new NodeStatus(id, settings.url(), state,
                    state == NodeState.STARTING ? ready + " of " + replicas(deployment) + " pods ready" : null));
        }
        return nodes;
    }

    /** The nodes' URL is the Service's. */
    @Override
    public Duration routingDelay() {
        return SERVICE_ROUTING_DELAY;
    }

    @Override
    public void awaitReady(String nodeId, Duration timeout) {
        int k = index(nodeId);
        await(nodeId, timeout, d -> ready(d) >= k, "ready", true);
    }

    /** @param stopWhenStuck whether a rollout the controller reports stuck ends the wait at once */
    private void await(String nodeId, Duration timeout, Predicate<Deployment> done, String what, boolean stopWhenStuck) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Deployment deployment = deployment();
            if (done.test(deployment)) {
                return;
            }
            Optional<String> failure = stopWhenStuck ? failure(deployment) : Optional.empty();
            if (failure.isPresent()) {
                throw new NodeFailedException(nodeId, nodeId + " of " + describe() + " did not become " + what + ": "
                        + failure.get() + "; see: kubectl -n " + namespace + " describe deployment "
                        + settings.deployment(), false);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new NodeFailedException(nodeId, nodeId + " of " + describe() + " was not " + what + " within "
                        + timeout.toSeconds() + " s (" + ready(deployment) + " of " + replicas(deployment)
                        + " pods ready, " + pods(deployment) + " running); see: kubectl -n " + namespace
                        + " get pods", false);
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NodeFailedException(nodeId, "interrupted while waiting for " + nodeId, false);
            }
        }
    }

    /** What the controller reports when a rollout cannot go on by itself: a pod that cannot be created or start. */
    private static Optional<String> failure(Deployment deployment) {
        if (deployment.getStatus() == null || deployment.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        for (DeploymentCondition condition : deployment.getStatus().getConditions()) {
            boolean stuck = condition.getType().equals("Progressing") && condition.getStatus().equals("False");
            boolean failed = condition.getType().equals("ReplicaFailure") && condition.getStatus().equals("True");
            if (stuck || failed) {
                return Optional.of(condition.getReason() + ": " + condition.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * Applies {@code update} to the Deployment, recording the action; {@code update} answers null
     * when there is nothing to change, which keeps every step idempotent.
     */
    private void change(String action, UnaryOperator<Deployment> update) {
        ApiObjects.retryingConflicts(action, describe(), () -> resource().edit(d -> {
            ApiObjects.annotations(d).putIfAbsent(REPLICAS, String.valueOf(fullSize(d)));
            Deployment changed = update.apply(d);
            if (changed == null) {
                return d;
            }
            ApiObjects.record(changed, action);
            return changed;
        }));
    }

    private Deployment deployment() {
        return ApiObjects.read(resource(), describe(), "kubernetes.deployment");
    }

    private RollableScalableResource<Deployment> resource() {
        return client.apps().deployments().inNamespace(namespace).withName(settings.deployment());
    }

    private List<String> nodeIds(Deployment deployment) {
        List<String> ids = new ArrayList<>();
        for (int k = 1; k <= fullSize(deployment); k++) {
            ids.add(NODE_PREFIX + k);
        }
        return ids;
    }

    /** The cluster's size: recorded by Pitstop, else the replicas the Deployment has before Pitstop scales it. */
    private int fullSize(Deployment deployment) {
        String recorded = ApiObjects.annotations(deployment).get(REPLICAS);
        int size = recorded != null ? Integer.parseInt(recorded) : replicas(deployment);
        if (size < 1) {
            throw OperationException.failed(describe() + " has 0 replicas and no annotation " + REPLICAS + ", so the "
                    + "cluster's size is unknown; annotate it: kubectl -n " + namespace + " annotate deployment "
                    + settings.deployment() + " " + REPLICAS + "=3");
        }
        return size;
    }

    private Container container(Deployment deployment) {
        List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
        if (settings.container() == null) {
            return containers.get(0);
        }
        return containers.stream().filter(c -> c.getName().equals(settings.container())).findFirst()
                .orElseThrow(() -> OperationException.failed(describe() + " has no container '" + settings.container()
                        + "' (kubernetes.container in pitstop.yml); it has " + String.join(", ",
                        containers.stream().map(Container::getName).toList())));
    }

    private static Deployment withReplicas(Deployment deployment, int replicas) {
        deployment.getSpec().setReplicas(replicas);
        return deployment;
    }

    private static int replicas(Deployment deployment) {
        Integer replicas = deployment.getSpec().getReplicas();
        return replicas == null ? 1 : replicas;
    }

    /** Pods that run, in any state: what is left to stop. */
    private static int pods(Deployment deployment) {
        return deployment.getStatus() == null || deployment.getStatus().getReplicas() == null ? 0
                : deployment.getStatus().getReplicas();
    }

    /** Ready pods of the current template, once the controller has seen the latest change; else none. */
    private static int ready(Deployment deployment) {
        if (!observed(deployment)) {
            return 0;
        }
        Integer ready = deployment.getStatus().getReadyReplicas();
        Integer updated = deployment.getStatus().getUpdatedReplicas();
        return Math.min(ready == null ? 0 : ready, updated == null ? 0 : updated);
    }

    private static boolean observed(Deployment deployment) {
        if (deployment.getStatus() == null) {
            return false;
        }
        long generation = Optional.ofNullable(deployment.getMetadata().getGeneration()).orElse(0L);
        long observed = Optional.ofNullable(deployment.getStatus().getObservedGeneration()).orElse(-1L);
        return observed >= generation;
    }

    private static int index(String nodeId) {
        if (nodeId.startsWith(NODE_PREFIX)) {
            try {
                int k = Integer.parseInt(nodeId.substring(NODE_PREFIX.length()));
                if (k >= 1) {
                    return k;
                }
            } catch (NumberFormatException e) {
                // answered below
            }
        }
        throw new IllegalArgumentException("no node '" + nodeId + "'; Kubernetes nodes are node-1 ... node-N");
    }

    private String describe() {
        return "deployment " + namespace + "/" + settings.deployment();
    }
}
