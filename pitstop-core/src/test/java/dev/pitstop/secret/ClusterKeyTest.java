package dev.pitstop.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterKeyTest {

    @TempDir
    Path dir;

    @Test
    void sealsSoThatOnlyTheSameKeyAndNameOpen() throws Exception {
        Path file = dir.resolve("keys/cluster.key");
        ClusterKey key = ClusterKey.readOrCreate(file);

        String sealed = key.seal("API_TOKEN", "s3cr3t");

        assertThat(sealed).startsWith(ClusterKey.PREFIX).doesNotContain("s3cr3t");
        assertThat(key.seal("API_TOKEN", "s3cr3t")).as("a fresh nonce each time").isNotEqualTo(sealed);
        assertThat(ClusterKey.readOrCreate(file).open("API_TOKEN", sealed)).isEqualTo("s3cr3t");
        assertThatThrownBy(() -> key.open("OTHER_NAME", sealed))
                .hasMessageContaining("does not open with the cluster key");
        ClusterKey other = ClusterKey.readOrCreate(dir.resolve("other.key"));
        assertThatThrownBy(() -> other.open("API_TOKEN", sealed))
                .hasMessageContaining("does not open with the cluster key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
    }

    @Test
    void refusesAFileWithoutAKey() throws Exception {
        Path file = dir.resolve("cluster.key");
        Files.writeString(file, "c2hvcnQ=\n");
        assertThatThrownBy(() -> ClusterKey.read(file)).hasMessageContaining("not the 32 of an AES-256 key");
    }
}
