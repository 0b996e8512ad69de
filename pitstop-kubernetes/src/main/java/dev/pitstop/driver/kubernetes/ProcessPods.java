package dev.pitstop.driver.kubernetes;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pitstop.control.NodeState;
import dev.pitstop.driver.NodeStatus;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.release.ProcessNode;
import dev.pitstop.release.Release;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The pods of a release described as a process ({@code "node"} in its {@code release.json}: NocoBase's
 * official image, say). Pitstop's own runtime registers each pod in the node registry itself (its name
 * as {@code PITSTOP_NODE_ID}, its own URL, its version, heartbeats) and records the install or upgrade
 * it made; such pods know nothing of Pitstop and do neither. So node {@code node-K} of such a release is
 * read from the API server: the K-th pod of the release's image, oldest first, at
 * {@code http://POD_IP:PORT} (its container's first port), ready when its Ready condition is, which the
 * kubelet sets from the readiness probe on the release's health path.
 *
 * <p>Why not register them in the node registry on their behalf, as the local supervisor does? The
 * supervisor lives as long as its nodes and heartbeats them; on Kubernetes Pitstop runs as Jobs that
 * end. Rows written by a Job would go stale as it exits: {@code status} would report the nodes failed
 * (no heartbeat) and the status page's pods would send bypass requests to addresses of pods replaced
 * since. The API server's pod list is true at every moment, so the driver reads it each time instead.
 * What this leaves out: {@code traffic: kubernetes} (the status page finds nodes only in the registry)
 * and the nodes in {@code status}, which lists the registry.
 *
 * @param version the release's version, which its pods' image is tagged with
 */
record ProcessPods(String version, ProcessNode node) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The release in {@code dir} if it is described as a process; empty for Pitstop's own runtime, and
     * when {@code dir} holds no release descriptor (then the pods are Pitstop's, which register themselves).
     *
     * @throws OperationException (failed) when the descriptor is there but cannot be read
     */
    static Optional<ProcessPods> in(Path dir) {
        Path descriptor = dir.resolve(Release.DESCRIPTOR);
        if (!Files.isRegularFile(descriptor)) {
            return Optional.empty();
        }
        try {
            // Only the descriptor is read first: the CLI needs no more of a runtime release than that either.
            if (!JSON.readTree(descriptor.toFile()).has("node")) {
                return Optional.empty();
            }
            Release release = Release.open(dir);
            return ProcessNode.of(release).map(node -> new ProcessPods(release.version(), node));
        } catch (IOException | IllegalArgumentException e) {
            throw OperationException.failed("cannot tell how the pods of release " + dir.getFileName() + " run: "
                    + e.getMessage());
        }
    }

    /**
     * Node {@code ids.get(K-1)} is the K-th of {@code pods} (the release's, oldest first); a node
     * without a pod is stopped, at {@code serviceUrl} (it has no address of its own).
     */
    List<NodeStatus> statuses(List<String> ids, List<Pod> pods, String container, String serviceUrl) {
        List<NodeStatus> statuses = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            if (i >= pods.size()) {
                statuses.add(new NodeStatus(id, serviceUrl, NodeState.STOPPED, null));
                continue;
            }
            Pod pod = pods.get(i);
            Optional<String> url = url(pod, container);
            if (url.isEmpty()) {
                statuses.add(new NodeStatus(id, serviceUrl, NodeState.STARTING, "pod " + ReleasePods.name(pod)
                        + " has no IP yet"));
            } else if (ReleasePods.ready(pod)) {
                statuses.add(new NodeStatus(id, url.get(), NodeState.READY, null));
            } else {
                statuses.add(new NodeStatus(id, url.get(), NodeState.STARTING, ReleasePods.stuck(pod)
                        .orElse("pod " + ReleasePods.name(pod) + " is not ready (" + node.health().ready() + ")")));
            }
        }
        return statuses;
    }

    /**
     * The pod's own address: its IP (an IPv6 one in brackets) and its container's first port, as the
     * pod's spec declares it.
     *
     * @throws OperationException (failed) when the container declares no port
     */
    static Optional<String> url(Pod pod, String container) {
        if (pod.getStatus() == null || pod.getStatus().getPodIP() == null || pod.getStatus().getPodIP().isBlank()) {
            return Optional.empty();
        }
        Integer port = pod.getSpec().getContainers().stream().filter(c -> c.getName().equals(container))
                .map(Container::getPorts).filter(ports -> ports != null && !ports.isEmpty())
                .map(ports -> ports.get(0)).map(ContainerPort::getContainerPort).findFirst().orElse(null);
        if (port == null) {
            throw OperationException.failed("pod " + ReleasePods.name(pod) + ": container " + container + " declares "
                    + "no port, so Pitstop cannot reach it to verify it; add ports: [{name: http, containerPort: "
                    + "...}] to the Deployment's container");
        }
        String ip = pod.getStatus().getPodIP();
        return Optional.of("http://" + (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port);
    }
}
