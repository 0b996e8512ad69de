package dev.pitstop.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A release: a self-contained directory with the descriptor {@code release.json}
 * ({@code {"name": ..., "version": ...}}), the node runtime in {@code lib/}, and the bundled
 * plugin jars in {@code plugins/}. A release of an application Pitstop does not host has no
 * {@code lib/}: its descriptor's {@code "node"} section says how a node runs ({@link ProcessNode}).
 */
public record Release(Path dir, String name, String version) {

    public static final String DESCRIPTOR = "release.json";

    /** Reads and checks a release directory; the exception says what is missing and where. */
    public static Release open(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
            throw new IllegalArgumentException("release directory not found: " + abs);
        }
        Path descriptor = abs.resolve(DESCRIPTOR);
        if (!Files.isRegularFile(descriptor)) {
            throw new IllegalArgumentException(abs + " is not a release: it has no " + DESCRIPTOR);
        }
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(descriptor.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(descriptor + " is not valid JSON: " + e.getMessage());
        }
        String version = json.path("version").asText(null);
        if (version == null) {
            throw new IllegalArgumentException(descriptor + " has no \"version\"");
        }
        Versions.parse(version);
        boolean processNode = ProcessNode.of(descriptor, json).isPresent();
        if (!processNode && !Files.isDirectory(abs.resolve("lib"))) {
            throw new IllegalArgumentException(abs + " is not a release: it has no lib/ directory with the node runtime");
        }
        return new Release(abs, json.path("name").asText("application"), version);
    }

    public Path lib() {
        return dir.resolve("lib");
    }

    public Path pluginsDir() {
        return dir.resolve("plugins");
    }

    /** The bundled plugin jars, sorted by file name. */
    public List<Path> plugins() {
        if (!Files.isDirectory(pluginsDir())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(pluginsDir())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list " + pluginsDir() + ": " + e.getMessage());
        }
    }
}
