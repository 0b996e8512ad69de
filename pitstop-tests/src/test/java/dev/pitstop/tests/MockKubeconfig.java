package dev.pitstop.tests;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** How a pitstop process finds fabric8's mock API server: a kubeconfig naming it, in its environment. */
final class MockKubeconfig {

    private MockKubeconfig() {
    }

    /** Writes {@code dir/kubeconfig} for {@code client}'s server and {@code namespace}; returns the environment naming it. */
    static Map<String, String> write(Path dir, KubernetesClient client, String namespace) throws IOException {
        Path config = Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: mock
                    cluster:
                      server: %s
                      insecure-skip-tls-verify: true
                contexts:
                  - name: mock
                    context: {cluster: mock, user: mock, namespace: %s}
                current-context: mock
                users:
                  - name: mock
                    user: {token: mock}
                """.formatted(client.getMasterUrl(), namespace));
        return Map.of("KUBECONFIG", config.toString());
    }
}
