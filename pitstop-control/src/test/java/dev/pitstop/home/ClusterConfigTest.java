package dev.pitstop.home;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterConfigTest {

    @TempDir
    Path dir;

    @Test
    void defaultsToWindowOnlyPluginChangesForMoreThanOneNode() {
        ClusterConfig config = ClusterConfig.load(new Home(dir), null, Map.of());

        assertThat(config.policy().pluginsFor(3)).isEqualTo("window-only");
        assertThat(config.policy().pluginsFor(1)).isEqualTo("allowed");
        assertThat(config.policy().upgradeOrDefault()).isEqualTo("allowed");
        assertThat(config.checks()).isEmpty();
    }

    @Test
    void readsThePolicyAndChecksFromTheHome() throws Exception {
        Files.writeString(dir.resolve("pitstop.yml"), """
                policy:
                  plugins: allowed
                  upgrade: prohibited
                checks:
                  - path: /api/items
                    body-contains: "["
                  - method: HEAD
                    path: /health/ready
                    status: 204
                """);

        ClusterConfig config = ClusterConfig.load(new Home(dir), null, Map.of());

        assertThat(config.policy().pluginsFor(3)).isEqualTo("allowed");
        assertThat(config.policy().upgradeOrDefault()).isEqualTo("prohibited");
        assertThat(config.checks()).containsExactly(new ClusterConfig.Check("GET", "/api/items", 200, "["),
                new ClusterConfig.Check("HEAD", "/health/ready", 204, null));
    }

    @Test
    void theEnvironmentOverridesTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("other.yml"), "policy:\n  plugins: allowed\n");

        ClusterConfig config = ClusterConfig.load(new Home(dir), file, Map.of("PITSTOP_POLICY_PLUGINS", "prohibited"));

        assertThat(config.policy().pluginsFor(3)).isEqualTo("prohibited");
    }

    @Test
    void refusesAnUnknownPolicy() throws Exception {
        Files.writeString(dir.resolve("pitstop.yml"), "policy:\n  plugins: sometimes\n");

        assertThatThrownBy(() -> ClusterConfig.load(new Home(dir), null, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config key 'policy.plugins' must be one of allowed, prohibited, window-only, got 'sometimes'");
    }

    @Test
    void refusesACheckWithAnUnknownKeyOrNoPath() throws Exception {
        Files.writeString(dir.resolve("pitstop.yml"), "checks:\n  - path: /x\n    expect: 200\n");
        assertThatThrownBy(() -> ClusterConfig.load(new Home(dir), null, Map.of()))
                .hasMessage("unknown key 'expect' in an entry of config key 'checks'; known keys: method, path, status, "
                        + "body-contains");

        Files.writeString(dir.resolve("pitstop.yml"), "checks:\n  - status: 200\n");
        assertThatThrownBy(() -> ClusterConfig.load(new Home(dir), null, Map.of()))
                .hasMessage("each entry of config key 'checks' needs a 'path' starting with /");
    }
}
