package dev.pitstop.driver.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifests of {@code deploy/kubernetes/} against the Kubernetes API's OpenAPI schemas, as npm's
 * {@code kubernetes-models} compiles them (one validator per kind): what fabric8's models do not check,
 * such as required fields, enums, formats and int-or-string values. The checker is
 * {@code src/test/manifests/check.cjs}; its npm dependencies are installed by {@code bin/test}.
 */
class KubernetesManifestsSchemaTest {

    private static final Path CHECKER = Path.of("src/test/manifests").toAbsolutePath();

    @BeforeAll
    static void checkerIsInstalled() {
        if (!Files.isDirectory(CHECKER.resolve("node_modules/kubernetes-models"))
                || !Files.isDirectory(CHECKER.resolve("node_modules/yaml"))) {
            fail("the manifest checker's npm modules are missing in " + CHECKER + ": run `npm ci --prefix "
                    + "pitstop-kubernetes/src/test/manifests --no-audit --no-fund` (bin/test does it)");
        }
    }

    @Test
    void everyObjectIsValidAgainstItsKindsSchema() throws Exception {
        List<Path> manifests = KubernetesManifestsTest.manifests().toList();
        assertThat(manifests).isNotEmpty();

        Checked checked = check(manifests);

        assertThat(checked.exitCode()).as("kubernetes-models' validation of %s:%n%s", manifests, checked.output())
                .isZero();
    }

    /** The checker fails, and says where and why, on what the schemas forbid and fabric8's models accept. */
    @Test
    void aManifestTheSchemasRefuseFailsWithTheFieldAndTheReason(@TempDir Path dir) throws Exception {
        Path manifest = Files.writeString(dir.resolve("broken.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: broken
                spec:
                  template:
                    spec:
                      containers:
                        - name: app
                          image: app:1
                          imagePullPolicy: Sometimes
                ---
                apiVersion: v1
                kind: Servic
                metadata:
                  name: typo
                """);

        Checked checked = check(List.of(manifest));

        assertThat(checked.exitCode()).isEqualTo(1);
        assertThat(checked.output()).contains(
                manifest + ": Deployment broken: /spec must have required property selector",
                manifest + ": Deployment broken: /spec/template/spec/containers/0/imagePullPolicy must be equal to "
                        + "one of the allowed values",
                manifest + ": Servic typo: apiVersion v1, kind Servic is not a kind of the Kubernetes API");
    }

    private record Checked(int exitCode, String output) {}

    private static Checked check(List<Path> manifests) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", CHECKER.resolve("check.cjs").toString()));
        manifests.forEach(manifest -> command.add(manifest.toString()));
        Process node;
        try {
            node = new ProcessBuilder(command).directory(CHECKER.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("cannot run `node` (" + e.getMessage() + "): install Node.js 20+ "
                    + "(Debian package nodejs; bin/test installs it)", e);
        }
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Checked(node.waitFor(), output);
    }
}
