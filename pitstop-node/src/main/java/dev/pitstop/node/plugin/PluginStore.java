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
    public Path receive(InputStream upload, long maxBytes) {
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, ".upload-", ".jar");
            try (InputStream bounded = new BoundedInputStream(upload, maxBytes)) {
                Files.copy(bounded, temp, StandardCopyOption.REPLACE_EXISTING);
            }
            return temp;
        } catch (PluginChangeException e) {
            deleteQuietly(temp);
            throw e;
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new UncheckedIOException("cannot write the uploaded plugin to " + dir, e);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a leftover upload is never loaded: its name starts with a dot and is not recorded
            }
        }
    }

    /** Fails as soon as more than the limit has been read, so an upload never fills the disk. */
    private static final class BoundedInputStream extends java.io.FilterInputStream {
        private final long max;
        private long read;

        BoundedInputStream(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            count(Math.max(n, 0));
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > max) {
                throw PluginStore.tooLarge(max);
            }
        }
    }

    static PluginChangeException tooLarge(long max) {
        return new PluginChangeException(PluginChangeException.Reason.TOO_LARGE, "the plugin jar is larger than "
                + max + " bytes, the most this cluster accepts (limits.plugin-jar-bytes in pitstop.yml);"
                + " nothing was stored");
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
