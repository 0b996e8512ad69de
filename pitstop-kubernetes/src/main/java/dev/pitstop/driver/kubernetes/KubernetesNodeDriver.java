package dev.pitstop.driver.kubernetes;

import dev.pitstop.control.Installations;
import dev.pitstop.control.NodeState;
import dev.pitstop.driver.NodeDriver;
import dev.pitstop.driver.NodeFailedException;
import dev.pitstop.driver.NodeStatus;
import dev.pitstop.home.KubernetesSettings;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.release.Release;
import dev.pitstop.release.Versions;
import dev.pitstop.driver.Replacement;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
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
 *
 * <p>The online upgrade ({@link #replace}) rolls the Deployment one pod at a time instead; see there.
 *
 * <p>A release described as a process ({@code "node"} in its release.json, found under
 * {@code kubernetes.releases} by the image's tag: NocoBase's official image) runs pods that know
 * nothing of Pitstop. Its nodes are read from the pods themselves ({@link ProcessPods}: each at its own
 * address, ready as its Ready condition), and the driver records in {@code pitstop.installations} the
 * install or upgrade that the first pod of a release makes as it starts (the image's entrypoint
 * does it), as the local supervisor does for such nodes: the upgrade's preflight and rollback, and the
 * CLI finding the running release, read it there. Such a release switches all its pods together
 * (offline only), since its first pod upgrades the database under the pods of the release before.
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
    /** The online roll: one pod more than the cluster's size at most, never one ready pod less. */
    private static final IntOrString MAX_SURGE = new IntOrString(1);
    private static final IntOrString MAX_UNAVAILABLE = new IntOrString(0);

    private final KubernetesClient client;
    private final KubernetesSettings settings;
    private final Installations installations;
    private final String namespace;
    /** The pods this process verified during an online roll: a resumed roll verifies each again once. */
    private final Set<String> verified = new HashSet<>();

    /** @param installations where the install or upgrade made by the first pod of a process release is recorded */
    public KubernetesNodeDriver(KubernetesClient client, KubernetesSettings settings, Installations installations) {
        this.client = client;
        this.settings = settings;
        this.installations = installations;
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

    /** Refused while any pod runs: offline, a cluster never runs two releases at once (online, see {@link #replace}). */
    @Override
    public synchronized void useRelease(Release release) {
        Deployment current = deployment();
        if (replicas(current) > 0 || pods(current) > 0) {
            throw OperationException.refused("cannot switch " + describe() + " to release " + release.version()
                    + " while " + Math.max(replicas(current), pods(current)) + " of its pods run; stop them first");
        }
        String image = image(release);
        change("release " + release.version() + " (" + image + ")", d -> {
            container(d).setImage(image);
            ApiObjects.annotations(d).put(RELEASE, release.version());
            // An online roll given up (--abandon) may have left it paused: a paused Deployment would
            // start its pods from the template before this one.
            d.getSpec().setPaused(false);
            return d;
        });
    }

    /** Not for a release described as a process: see {@link #mixedReleasesUnsupported()}. */
    @Override
    public boolean runsMixedReleases() {
        return processPods(deployment()).isEmpty();
    }

    @Override
    public String mixedReleasesUnsupported() {
        return "the pods of a release described as a process (" + settings.image() + ") upgrade the database as "
                + "the first of them starts, under the pods of the release before, so they switch releases all "
                + "together: upgrade without --online";
    }

    @Override
    public String describeReplace(String nodeId, String version, String verification) {
        return "replace " + nodeId + ": a pod of " + version + " starts beside the others (surge 1), is verified ("
                + verification + "), then one pod of the release before leaves the Service, drains and stops";
    }

    /**
     * The online upgrade's replacement, the Kubernetes way: the Deployment itself rolls to the new
     * image with {@code maxSurge: 1, maxUnavailable: 0}, so a pod of the new release starts beside
     * the others and an old pod goes only once the new one is ready: never fewer ready pods than
     * the cluster's size, never more than one pod more. Pods are not nodes with a place of their
     * own: their names change with each pod, and which old pod goes is the controller's choice, so
     * a node is not stopped and started on another release in its place ({@code useRelease(nodeId,
     * ...)}); node {@code node-K} stands for the K-th pod of the roll instead: replacing it brings
     * the Deployment to K pods of {@code release}, each ready and verified, and at most
     * {@code size - K} pods of other releases.
     *
     * <p>Kubernetes does not wait for Pitstop's verification (version, checks) between two pods, so
     * the roll is paused ({@code spec.paused}, as {@code kubectl rollout pause}) as soon as the
     * controller has started the next pod, which takes seconds to become ready while the pause takes
     * one poll; it is resumed once that pod is verified, for the controller to retire one old pod,
     * and paused again. A new pod is verified at its own URL, found in the node registry by the
     * pod's name (the nodes register as {@code PITSTOP_NODE_ID}, the pod's name). Until then it may
     * already be in the Service's endpoints, which follow the readiness probe: the node's own
     * readiness covers installing the release and its compatibility with the cluster's releases,
     * which the pods check themselves; a pod that fails the checks stops the roll before any
     * further old pod goes. The rollback is the same roll back to the previous image, by the same
     * steps, and every step reads the pods as they are, so a resumed step goes on from there.
     */
    @Override
    public synchronized void replace(String nodeId, Release release, Replacement replacement) {
        if (!runsMixedReleases() || ProcessPods.in(release.dir()).isPresent()) {
            throw OperationException.refused(mixedReleasesUnsupported());
        }
        int k = index(nodeId);
        String image = image(release);
        String container = container(deployment()).getName();
        change("roll to " + release.version() + " one pod at a time", d -> rollingTo(d, image, release.version()));
        int size = fullSize(deployment());
        Duration timeout = replacement.readyTimeout();
        Instant deadline = Instant.now().plus(timeout);
        int wanted = Math.min(k, size);
        while (true) {
            ReleasePods pods = pods(container, image);
            int ofRelease = pods.ofRelease().size();
            int others = pods.others().size();
            // The oldest K pods of the release are this step's; a newer one, which the controller may
            // have started before the pause, is the next step's.
            List<Pod> stepPods = pods.ofRelease().subList(0, Math.min(ofRelease, wanted));
            if (ofRelease < wanted) {
                roll(nodeId, "start pod " + (ofRelease + 1) + " of " + release.version(), container, image, timeout,
                        p -> p.ofRelease().size() > ofRelease);
                deadline = Instant.now().plus(timeout);
            } else if (!stepPods.stream().allMatch(ReleasePods::ready)) {
                requireProgress(nodeId, pods, deadline, timeout, wanted + " pods of " + release.version() + " ready");
                pause(nodeId);
            } else {
                verifyNew(stepPods, replacement);
                if (others <= size - k) {
                    if (others == 0) {
                        setPaused(false, "roll to " + release.version() + " done");
                    }
                    return;
                }
                roll(nodeId, "retire a pod of the release before " + release.version(), container, image, timeout,
                        p -> p.others().size() < others);
                deadline = Instant.now().plus(timeout);
            }
        }
    }

    /** Verifies the pods this process has not verified yet. */
    private void verifyNew(List<Pod> pods, Replacement replacement) {
        for (Pod pod : pods) {
            if (!verified.contains(ReleasePods.name(pod))) {
                replacement.verify(ReleasePods.name(pod));
                verified.add(ReleasePods.name(pod));
            }
        }
    }

    /** The template on {@code image} with the roll's strategy, paused when the image changes; null if so already. */
    private Deployment rollingTo(Deployment deployment, String image, String version) {
        DeploymentSpec spec = deployment.getSpec();
        boolean imageChanges = !image.equals(container(deployment).getImage());
        boolean strategyChanges = spec.getStrategy() == null || !"RollingUpdate".equals(spec.getStrategy().getType())
                || spec.getStrategy().getRollingUpdate() == null
                || !MAX_SURGE.equals(spec.getStrategy().getRollingUpdate().getMaxSurge())
                || !MAX_UNAVAILABLE.equals(spec.getStrategy().getRollingUpdate().getMaxUnavailable());
        if (!imageChanges && !strategyChanges) {
            return null;
        }
        if (strategyChanges) {
            spec.setStrategy(new DeploymentStrategyBuilder().withType("RollingUpdate").withNewRollingUpdate()
                    .withMaxSurge(MAX_SURGE).withMaxUnavailable(MAX_UNAVAILABLE).endRollingUpdate().build());
        }
        if (imageChanges) {
            // Paused first, so that the new template starts no pod before the roll asks for one.
            spec.setPaused(true);
            container(deployment).setImage(image);
            ApiObjects.annotations(deployment).put(RELEASE, version);
        }
        return deployment;
    }

    /** Lets the controller go on with the roll until {@code done}, then pauses it again. */
    private void roll(String nodeId, String action, String container, String image, Duration timeout,
                      Predicate<ReleasePods> done) {
        setPaused(false, action);
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            ReleasePods pods = pods(container, image);
            if (done.test(pods)) {
                setPaused(true, action + ": done, paused until the next step");
                return;
            }
            requireProgress(nodeId, pods, deadline, timeout, action);
            pause(nodeId);
        }
    }

    /**
     * The Deployment's conditions are not read here: a paused roll has no progress deadline, and
     * after a failure the stuck pods are those of the release rolled back from, which go.
     *
     * @throws NodeFailedException when a pod of the release cannot start, or time is up
     */
    private void requireProgress(String nodeId, ReleasePods pods, Instant deadline, Duration timeout, String what) {
        Optional<String> stuck = pods.ofRelease().stream().map(ReleasePods::stuck).flatMap(Optional::stream)
                .findFirst();
        if (stuck.isPresent()) {
            throw new NodeFailedException(nodeId, nodeId + " of " + describe() + ": " + stuck.get() + "; see: kubectl -n "
                    + namespace + " describe pods -l " + selector(), false);
        }
        if (Instant.now().isAfter(deadline)) {
            throw new NodeFailedException(nodeId, nodeId + " of " + describe() + ": not " + what + " within "
                    + timeout.toSeconds() + " s (" + pods.ofRelease().stream().filter(ReleasePods::ready).count()
                    + " of " + pods.ofRelease().size() + " new pods ready, " + pods.others().size()
                    + " pods of other releases); see: kubectl -n " + namespace + " get pods -l " + selector(), false);
        }
    }

    private void setPaused(boolean paused, String action) {
        change((paused ? "pause: " : "resume: ") + action,
                d -> Boolean.TRUE.equals(d.getSpec().getPaused()) == paused ? null : pausedTo(d, paused));
    }

    private static Deployment pausedTo(Deployment deployment, boolean paused) {
        deployment.getSpec().setPaused(paused);
        return deployment;
    }

    private ReleasePods pods(String container, String image) {
        Map<String, String> labels = deployment().getSpec().getSelector().getMatchLabels();
        try {
            return ReleasePods.of(client.pods().inNamespace(namespace).withLabels(labels).list().getItems(),
                    container, image);
        } catch (KubernetesClientException e) {
            throw OperationException.failed("cannot list the pods of " + describe() + ": " + e.getMessage()
                    + "; the ServiceAccount needs to list pods (deploy/kubernetes/pitstop-cli.yaml)");
        }
    }

    private String selector() {
        return deployment().getSpec().getSelector().getMatchLabels().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    private String image(Release release) {
        return settings.image() + ":" + release.version();
    }

    @Override
    public List<NodeStatus> nodes() {
        Deployment deployment = deployment();
        Optional<ProcessPods> process = processPods(deployment);
        if (process.isPresent()) {
            return processStatuses(deployment, process.get());
        }
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

    /** The nodes' URL is the Service's; a process release's nodes are at their pods' own. */
    @Override
    public Duration routingDelay() {
        return processPods(deployment()).isPresent() ? Duration.ZERO : SERVICE_ROUTING_DELAY;
    }

    /**
     * Node-K of a process release is ready once its own pod is too (the K-th of the release): that is
     * the pod verification will ask. Its first pod being ready means the image has installed or
     * upgraded the database to its release, which is recorded then.
     */
    @Override
    public void awaitReady(String nodeId, Duration timeout) {
        int k = index(nodeId);
        Optional<ProcessPods> process = processPods(deployment());
        if (process.isEmpty()) {
            await(nodeId, timeout, d -> ready(d) >= k, "ready", true);
            return;
        }
        await(nodeId, timeout, d -> ready(d) >= k
                && processStatuses(d, process.get()).get(k - 1).state() == NodeState.READY, "ready", true);
        Container container = container(deployment());
        List<Pod> pods = pods(container.getName(), container.getImage()).ofRelease();
        recorded(process.get(), pods.isEmpty() ? nodeId : "pod " + ReleasePods.name(pods.get(0)));
    }

    /** The nodes of a process release, from its pods (see {@link ProcessPods}). */
    private List<NodeStatus> processStatuses(Deployment deployment, ProcessPods process) {
        Container container = container(deployment);
        return process.statuses(nodeIds(deployment), pods(container.getName(), container.getImage()).ofRelease(),
                container.getName(), settings.url());
    }

    /**
     * The release the Deployment's template runs, if described as a process: its directory in
     * {@code kubernetes.releases}, named by the image's tag. An image of another repository than
     * {@code kubernetes.image}, or a version without a directory, is taken for Pitstop's own runtime,
     * whose pods register themselves.
     */
    private Optional<ProcessPods> processPods(Deployment deployment) {
        String image = container(deployment).getImage();
        String repository = settings.image() + ":";
        if (image == null || !image.startsWith(repository)) {
            return Optional.empty();
        }
        return ProcessPods.in(Path.of(settings.releases(), image.substring(repository.length())));
    }

    /**
     * Records that the database holds {@code process}'s release, unless it is recorded already or an
     * older release's pod is ready (after a rollback's restore, which records what it restored).
     * {@code byWhom} is the release's first pod, whose start made it.
     * Synchronized: the procedures wait for several nodes at once.
     */
    private synchronized void recorded(ProcessPods process, String byWhom) {
        Optional<String> installed = installations.installedVersion();
        if (installed.isPresent() && Versions.compare(process.version(), installed.get()) <= 0) {
            return;
        }
        installations.complete(installations.begin(installed.isEmpty() ? "install" : "upgrade", process.version(),
                byWhom));
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
            pause(nodeId);
        }
    }

    private static void pause(String nodeId) {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeFailedException(nodeId, "interrupted while waiting for " + nodeId, false);
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
