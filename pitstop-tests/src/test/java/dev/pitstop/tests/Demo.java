package dev.pitstop.tests;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The demo releases and plugin jars the build leaves in demo/target. */
final class Demo {

    private static final Path TARGET = Path.of(System.getProperty("pitstop.demo", "../demo/target")).toAbsolutePath().normalize();

    private Demo() {
    }

    static Path release(String version) {
        return TARGET.resolve("releases").resolve(version);
    }

    static Path plugin(String fileName) {
        return TARGET.resolve("plugins").resolve(fileName);
    }

    /**
     * A copy of a release with extra plugin jars bundled; the node runtime is linked, not copied.
     */
    static Path releaseWith(Path dir, String version, String... pluginJars) throws IOException {
        Path base = release(version);
        Path copy = Files.createDirectories(dir.resolve(version + "-plus"));
        Files.copy(base.resolve("release.json"), copy.resolve("release.json"));
        Files.createSymbolicLink(copy.resolve("lib"), base.resolve("lib"));
        Path plugins = Files.createDirectories(copy.resolve("plugins"));
        try (var bundled = Files.list(base.resolve("plugins"))) {
            for (Path jar : (Iterable<Path>) bundled::iterator) {
                Files.copy(jar, plugins.resolve(jar.getFileName()));
            }
        }
        for (String jar : pluginJars) {
            Files.copy(plugin(jar), plugins.resolve(jar));
        }
        return copy;
    }

    /**
     * A copy of a release whose release.json declares {@code checks} (a JSON array of pitstop.yml's
     * check entries), as NocoBase's declares its sign-in: every procedure verifies its nodes with them.
     */
    static Path releaseWithChecks(Path dir, String version, String checks) throws IOException {
        Path copy = releaseWith(dir, version);
        Path descriptor = copy.resolve("release.json");
        ObjectNode json = (ObjectNode) Http.JSON.readTree(descriptor.toFile());
        json.set("checks", Http.JSON.readTree(checks));
        Http.JSON.writeValue(descriptor.toFile(), json);
        return copy;
    }
}
