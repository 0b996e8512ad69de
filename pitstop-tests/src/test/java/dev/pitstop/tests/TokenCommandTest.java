package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pitstop token}: a named token's life, from the CLI, on a running cluster. */
class TokenCommandTest {

    @TempDir
    Path dir;

    @Test
    void aTokenIsCreatedListedUsedRotatedAndRevoked() throws Exception {
        try (CliCluster cluster = CliCluster.up(dir.resolve("home"), 1, "1.0.0")) {
            Path file = dir.resolve("dashboard.token");
            Cli.Result created = cluster.run("token", "create", "dashboard", "--role", "viewer", "--output", file.toString());

            assertThat(created.out()).contains("Created token dashboard (viewer); its value is in " + file);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            String value = Files.readString(file).strip();
            String admin = cluster.gateway() + "/admin/plugins";
            assertThat(Http.get(admin, "Authorization", "Bearer " + value).statusCode()).isEqualTo(200);
            assertThat(cluster.run("token", "list").out()).containsPattern("dashboard\\s+viewer")
                    .containsPattern("admin\\s+admin").doesNotContain(value);

            List<String> rotated = cluster.run("token", "rotate", "dashboard").out().lines().toList();
            assertThat(rotated.get(0)).isEqualTo("Rotated token dashboard; its value, shown only now:");
            assertThat(Http.get(admin, "Authorization", "Bearer " + value).statusCode()).isEqualTo(401);
            assertThat(Http.get(admin, "Authorization", "Bearer " + rotated.get(1)).statusCode()).isEqualTo(200);

            cluster.run("token", "revoke", "dashboard");
            assertThat(Http.get(admin, "Authorization", "Bearer " + rotated.get(1)).statusCode()).isEqualTo(401);
            Cli.Result home = cluster.cli().run("token", "revoke", "admin");
            assertThat(home.exitCode()).isEqualTo(3);
            assertThat(home.err()).contains("is the home's admin token");
        }
    }
}
