package dev.pitstop.driver.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.control.NodeState;
import dev.pitstop.driver.NodeStatus;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.release.ProcessNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the nodes of a process release are read from its pods, and which releases are such. */
class ProcessPodsTest {

    private static final ProcessPods NOCOBASE = new ProcessPods("2.2.15", new ProcessNode(ProcessNode.KIND,
            List.of("nocobase"), null, Map.of(), new ProcessNode.Health("/api/__health_check"), null, null));

    @Test
    void nodeKIsTheKthPodAtItsOwnAddressReadyAsItsReadyCondition() {
        List<NodeStatus> nodes = NOCOBASE.statuses(List.of("node-1", "node-2", "node-3", "node-4"), List.of(
                pod("a", "10.0.0.5", 80, true), pod("b", "fd00::7", 80, false), pod("c", null, 80, false)),
                "nocobase", "http://nocobase:80");

        assertThat(nodes).containsExactly(
                new NodeStatus("node-1", "http://10.0.0.5:80", NodeState.READY, null),
                new NodeStatus("node-2", "http://[fd00::7]:80", NodeState.STARTING,
                        "pod b is not ready (/api/__health_check)"),
                new NodeStatus("node-3", "http://nocobase:80", NodeState.STARTING, "pod c has no IP yet"),
                new NodeStatus("node-4", "http://nocobase:80", NodeState.STOPPED, null));
    }

    @Test
    void aContainerWithoutAPortCannotBeReached() {
        Pod pod = new PodBuilder(pod("a", "10.0.0.5", 80, true)).editSpec().editFirstContainer().withPorts(List.of())
                .endContainer().endSpec().build();

        assertThatThrownBy(() -> ProcessPods.url(pod, "nocobase"))
                .isInstanceOf(OperationException.class)
                .hasMessageStartingWith("pod a: container nocobase declares no port");
    }

    @Test
    void onlyADescriptorWithANodeSectionIsAProcessRelease(@TempDir Path releases) throws IOException {
        Files.createDirectories(releases.resolve("1.0.0"));
        Files.writeString(releases.resolve("1.0.0/release.json"), "{\"name\": \"app\", \"version\": \"1.0.0\"}");
        Files.createDirectories(releases.resolve("2.2.15"));
        Files.writeString(releases.resolve("2.2.15/release.json"), """
                {"name": "nocobase", "version": "2.2.15",
                 "node": {"kind": "process", "command": ["nocobase"], "health": {"ready": "/api/__health_check"}}}
                """);
        Files.createDirectories(releases.resolve("3.0.0"));
        Files.writeString(releases.resolve("3.0.0/release.json"), "{\"node\": {\"kind\": \"container\"}}");

        assertThat(ProcessPods.in(releases.resolve("1.0.0"))).isEmpty();
        assertThat(ProcessPods.in(releases.resolve("9.9.9"))).isEmpty();
        assertThat(ProcessPods.in(releases.resolve("2.2.15"))).get().extracting(ProcessPods::version)
                .isEqualTo("2.2.15");
        assertThatThrownBy(() -> ProcessPods.in(releases.resolve("3.0.0")))
                .isInstanceOf(OperationException.class)
                .hasMessageStartingWith("cannot tell how the pods of release 3.0.0 run: ");
    }

    private static Pod pod(String name, String ip, int port, boolean ready) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().addNewContainer().withName("nocobase").addNewPort().withContainerPort(port).endPort()
                .endContainer().endSpec()
                .withNewStatus().withPodIP(ip).addNewCondition().withType("Ready").withStatus(ready ? "True" : "False")
                .endCondition().endStatus().build();
    }
}
