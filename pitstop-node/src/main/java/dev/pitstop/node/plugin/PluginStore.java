package dev.pitstop.node.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Plugin jars added at run time, kept in the shared storage directory so that every node, and
 * every node started later, loads the same file — and a backup of the storage carries them.
 */
public final class PluginStore {

    private final Path dir;

    public PluginStore(Path storage) {
        this.dir = storage.resolve("plugins");
    }

    /** Writes an upload to a private temporary file, to be checked before it is stored. */
    public Path receive(InputStream upload) {
        try {
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, ".upload-", ".jar");
            Files.copy(upload, temp, StandardCopyOption.REPLACE_EXISTING);
            return temp;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the uploaded plugin to " + dir, e);
        }
    }

    /** Moves a checked upload to its final name atomically; returns that name. */
    public String store(PluginJar jar) {
        String name = jar.id() + "-" + jar.version() + ".jar";
        try {
            Files.move(jar.path(), dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return name;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store plugin " + name + " in " + dir, e);
        }
    }

    public Path path(String name) {
        return dir.resolve(name);
    }

    public void delete(String name) {
        try {
            Files.deleteIfExists(dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir.resolve(name), e);
        }
    }
}
