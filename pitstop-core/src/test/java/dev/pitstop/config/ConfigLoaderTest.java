package dev.pitstop.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    record Settings(Server server, String name, Integer workers) {
        Settings {
            if (workers != null && workers < 1) {
                throw new ConfigException("config key 'workers' must be at least 1");
            }
        }
    }

    record Server(String host, Integer port, String certFile) {
    }

    @Test
    void laterLayersOverrideEarlierOnes(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("c.yml"), "server:\n  host: a\n  port: 1\nname: file\n");

        Settings s = ConfigLoader.load(Settings.class, file,
                Map.of("PITSTOP_SERVER_PORT", "2", "PITSTOP_SERVER_CERT_FILE", "/c", "PITSTOP_NAME", "env"),
                Map.of("name", "flag"));

        assertThat(s.server()).isEqualTo(new Server("a", 2, "/c"));
        assertThat(s.name()).isEqualTo("flag");
    }

    @Test
    void unknownKeysAreErrorsNamingTheKey(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("c.yml"), "server:\n  hots: a\n");

        assertThatThrownBy(() -> ConfigLoader.load(Settings.class, file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("unknown config key 'server.hots' in " + file)
                .hasMessageContaining("server.host");
        assertThatThrownBy(() -> ConfigLoader.load(Settings.class, null, Map.of(), Map.of("nmae", "x")))
                .hasMessageStartingWith("unknown config key 'nmae' given as a flag");
    }

    @Test
    void wrongTypesAndInvalidValuesNameTheKey() {
        assertThatThrownBy(() -> ConfigLoader.load(Settings.class, null, Map.of(), Map.of("server.port", "eighty")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config key 'server.port' has a value of the wrong type");
        assertThatThrownBy(() -> ConfigLoader.load(Settings.class, null, Map.of(), Map.of("workers", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config key 'workers' must be at least 1");
    }

    @Test
    void environmentNamesFollowTheKeys() {
        assertThat(ConfigLoader.envName("db.password-file")).isEqualTo("PITSTOP_DB_PASSWORD_FILE");
    }
}
