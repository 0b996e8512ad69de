package dev.pitstop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.home.ClusterConfig;
import dev.pitstop.release.ProcessNode;
import dev.pitstop.release.Release;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The descriptor {@code pitstop release nocobase} writes: NocoBase's session key and root password are the
 * cluster's secrets, and the release verifies its nodes by signing in with that password.
 */
class NocobaseDescriptorTest {

    @Test
    void theSessionKeyAndRootPasswordAreClusterSecretsAndVerificationSignsIn(@TempDir Path dir) throws IOException {
        try (InputStream descriptor = NocobaseRelease.class.getResourceAsStream("nocobase/release.json")) {
            Files.writeString(dir.resolve(Release.DESCRIPTOR), new String(descriptor.readAllBytes())
                    .replace("set by pitstop release nocobase", "2.2.15"));
        }
        Release release = Release.open(dir);

        assertThat(ProcessNode.of(release).orElseThrow().environment())
                .containsEntry("APP_KEY", "${secret.nocobase-app-key}")
                .containsEntry("INIT_ROOT_USERNAME", "nocobase")
                .containsEntry("INIT_ROOT_PASSWORD", "${secret.nocobase-root-password}");
        assertThat(ClusterConfig.Check.declaredBy(release)).singleElement().satisfies(check -> {
            assertThat(check).hasToString("POST /api/auth:signIn → 200 with /data/token");
            assertThat(check.headers()).containsEntry("X-Authenticator", "basic");
            assertThat(check.body().path("account").asText()).isEqualTo("nocobase");
            assertThat(check.body().path("password").asText()).isEqualTo("${secret.nocobase-root-password}");
        });
    }
}
