package dev.pitstop.supervisor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pitstop.home.ClusterFile;
import dev.pitstop.home.Home;
import dev.pitstop.release.Release;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the configuration file of a local node. It holds no secret: the database password, when
 * there is one, stays in its own file and the node is given that file's path.
 */
final class NodeConfigFile {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private NodeConfigFile() {
    }

    static Path write(Home home, String nodeId, String url, int port, Release release, ClusterFile.Db db) {
        Map<String, Object> dbSection = new LinkedHashMap<>();
        dbSection.put("url", db.url());
        dbSection.put("user", db.user());
        if (db.passwordFile() != null) {
            dbSection.put("password-file", db.passwordFile());
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("db", dbSection);
        config.put("http", Map.of("host", Ports.HOST, "port", port));
        config.put("node", Map.of("id", nodeId, "url", url));
        config.put("release", release.dir().toString());
        config.put("storage", home.storageDir().toString());
        // A supervisor killed with SIGKILL cannot stop its nodes; they notice and exit themselves.
        config.put("exit-with-parent", true);
        Path file = home.nodeConfig(nodeId);
        try {
            Files.createDirectories(file.getParent());
            Files.createDirectories(home.storageDir());
            YAML.writeValue(file.toFile(), config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return file;
    }
}
