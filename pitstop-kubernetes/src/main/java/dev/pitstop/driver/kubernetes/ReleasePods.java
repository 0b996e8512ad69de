package dev.pitstop.driver.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The Deployment's pods during an online roll, split by release: those of the image rolled to and
 * the others. Pods being deleted are left out: they have left the Service's endpoints and drain.
 *
 * @param ofRelease the pods of the image rolled to, oldest first
 * @param others    the pods of any other image
 */
record ReleasePods(List<Pod> ofRelease, List<Pod> others) {

    /** What the kubelet reports of a container that will not start without a change. */
    private static final Set<String> STUCK = Set.of("CrashLoopBackOff", "ErrImagePull", "ImagePullBackOff",
            "InvalidImageName", "CreateContainerConfigError", "CreateContainerError");

    /** @param container the name of the application's container in the pods */
    static ReleasePods of(List<Pod> pods, String container, String image) {
        List<Pod> running = pods.stream().filter(pod -> pod.getMetadata().getDeletionTimestamp() == null)
                .sorted(Comparator.comparing((Pod pod) -> String.valueOf(
                        pod.getMetadata().getCreationTimestamp())).thenComparing(pod -> pod.getMetadata().getName()))
                .toList();
        return new ReleasePods(running.stream().filter(pod -> image.equals(image(pod, container))).toList(),
                running.stream().filter(pod -> !image.equals(image(pod, container))).toList());
    }

    static String name(Pod pod) {
        return pod.getMetadata().getName();
    }

    /** Whether the pod's Ready condition is true: its readiness probe passes, the Service routes to it. */
    static boolean ready(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
                .stream().anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    }

    /** Why the pod will not become ready by itself, if the kubelet says so. */
    static Optional<String> stuck(Pod pod) {
        if (pod.getStatus() == null) {
            return Optional.empty();
        }
        if ("Failed".equals(pod.getStatus().getPhase())) {
            return Optional.of("pod " + name(pod) + " failed: " + pod.getStatus().getMessage());
        }
        List<ContainerStatus> containers = pod.getStatus().getContainerStatuses();
        if (containers == null) {
            return Optional.empty();
        }
        return containers.stream()
                .filter(c -> c.getState() != null && c.getState().getWaiting() != null
                        && STUCK.contains(c.getState().getWaiting().getReason()))
                .map(c -> "pod " + name(pod) + ": container " + c.getName() + " is "
                        + c.getState().getWaiting().getReason() + " (" + c.getState().getWaiting().getMessage() + ")")
                .findFirst();
    }

    private static String image(Pod pod, String container) {
        return pod.getSpec().getContainers().stream().filter(c -> c.getName().equals(container)).findFirst()
                .map(Container::getImage).orElse(null);
    }
}
