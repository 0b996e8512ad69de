package dev.pitstop.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.secret.ClusterSecrets;
import java.io.IOException;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessNodeTest {

    @TempDir
    Path dir;

    @Test
    void aReleaseWithoutNodeSectionRunsPitstopsRuntimeAndNeedsLib() throws IOException {
        Files.writeString(dir.resolve("release.json"), "{\"name\": \"demo\", \"version\": \"1.0.0\"}");
        assertThatThrownBy(() -> Release.open(dir)).hasMessageContaining("no lib/ directory");
        Files.createDirectory(dir.resolve("lib"));
        assertThat(ProcessNode.of(Release.open(dir))).isEmpty();
    }

    @Test
    void aProcessReleaseIsADescriptorWithoutLib() throws IOException {
        Files.writeString(dir.resolve("release.json"), """
                {"name": "app", "version": "2.2.15", "node": {
                  "kind": "process", "command": ["node", "server.js", "--port", "${port}"], "workingDirectory": "app",
                  "environment": {"DB": "${db.host}:${db.port}/${db.name}", "PASSWORD": "${db.password}"},
                  "health": {"ready": "/api/health"},
                  "commands": {"install": ["node", "install.js"], "pluginEnable": ["node", "pm.js", "enable", "${plugin}"]}}}
                """);
        Release release = Release.open(dir);
        ProcessNode node = ProcessNode.of(release).orElseThrow();
        assertThat(node.workingDirectory(release)).isEqualTo(dir.toRealPath().resolve("app"));
        assertThat(node.commands().upgrade()).isNull();

        NodePlaceholders values = new NodePlaceholders("node-1", 13001, "http://127.0.0.1:13001",
                "jdbc:postgresql://127.0.0.1:5433/pitstop?sslmode=disable", "app", "secret", null, dir, dir, dir, new ClusterSecrets(dir.resolve("secrets")));
        assertThat(values.expand(node.command(), Map.of())).containsExactly("node", "server.js", "--port", "13001");
        assertThat(values.expand(node.environment().get("DB"), Map.of())).isEqualTo("127.0.0.1:5433/pitstop");
        assertThat(values.expand(node.commands().pluginEnable(), Map.of("plugin", "map")))
                .isEqualTo(List.of("node", "pm.js", "enable", "map"));
        String key = values.expand("${secret.app-key}", Map.of());
        assertThat(key).hasSize(64).isEqualTo(new ClusterSecrets(dir.resolve("secrets")).get("app-key"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("secrets/app-key"))))
                .isEqualTo("rw-------");
        assertThatThrownBy(() -> values.expand("${secret.App_Key}", Map.of())).hasMessageContaining("not a secret's name");
        assertThatThrownBy(() -> values.expand("${db.pasword}", Map.of()))
                .hasMessageContaining("unknown placeholder ${db.pasword}").hasMessageContaining("db.password");
    }

    @Test
    void anIncompleteDescriptorSaysWhatIsMissing() throws IOException {
        Files.writeString(dir.resolve("release.json"),
                "{\"version\": \"1.0.0\", \"node\": {\"kind\": \"process\", \"command\": [\"run\"]}}");
        assertThatThrownBy(() -> Release.open(dir)).hasMessageContaining("\"node.health.ready\" is missing");
        Files.writeString(dir.resolve("release.json"),
                "{\"version\": \"1.0.0\", \"node\": {\"kind\": \"docker\", \"command\": [\"run\"]}}");
        assertThatThrownBy(() -> Release.open(dir)).hasMessageContaining("\"node.kind\" is docker");
    }

    @Test
    void pluginCommandsAreFoundByTheirLabelAndAPluginQueryMustBeGiven() throws IOException {
        Files.writeString(dir.resolve("release.json"), """
                {"version": "1.0.0", "node": {"kind": "process", "command": ["run"], "health": {"ready": "/h"},
                  "commands": {"pluginDisable": ["pm", "disable", "${plugin}"]},
                  "plugins": {"query": "SELECT name AS id FROM plugins"}}}
                """);
        ProcessNode node = ProcessNode.of(Release.open(dir)).orElseThrow();
        ProcessNode.PluginCommand disable = ProcessNode.PluginCommand.labelled("disable").orElseThrow();
        assertThat(node.commands().of(disable)).containsExactly("pm", "disable", "${plugin}");
        assertThat(disable.key()).isEqualTo("pluginDisable");
        assertThat(node.commands().of(ProcessNode.PluginCommand.ENABLE)).isNull();
        assertThat(ProcessNode.PluginCommand.labelled("upgrade")).isEmpty();
        assertThat(node.plugins().query()).isEqualTo("SELECT name AS id FROM plugins");

        Files.writeString(dir.resolve("release.json"), """
                {"version": "1.0.0", "node": {"kind": "process", "command": ["run"], "health": {"ready": "/h"},
                  "plugins": {"query": " "}}}
                """);
        assertThatThrownBy(() -> Release.open(dir)).hasMessageContaining("\"node.plugins.query\" is missing");
    }
}
