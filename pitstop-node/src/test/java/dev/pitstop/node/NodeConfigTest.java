package dev.pitstop.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.backup.format.ReadLimits;
import dev.pitstop.config.ConfigException;
import dev.pitstop.config.ConfigLoader;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The node's limits on reading backup files: the defaults, a value set, and one that is refused. */
class NodeConfigTest {

    @Test
    void backupReadLimitsHaveDefaultsAndRefuseValuesThatWouldRefusePitstopsOwnBackups() {
        assertThat(load(Map.of()).limits().readLimits()).isEqualTo(ReadLimits.DEFAULT);
        assertThat(load(Map.of("limits.backup-block-bytes", "16777216")).limits().readLimits().blockBytes())
                .isEqualTo(16 << 20);

        assertThatThrownBy(() -> load(Map.of("limits.backup-kdf-iterations", "1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("limits.backup-kdf-memory-kib, -iterations and -parallelism must be at least "
                        + "65536, 3 and 4");
    }

    private static NodeConfig load(Map<String, String> settings) {
        Map<String, String> flags = new HashMap<>(Map.of("db.url", "jdbc:postgresql://127.0.0.1:5432/app",
                "http.port", "8080", "node.id", "node-1", "release", "/opt/app", "storage", "/var/lib/pitstop"));
        flags.putAll(settings);
        return ConfigLoader.load(NodeConfig.class, null, Map.of(), flags);
    }
}
