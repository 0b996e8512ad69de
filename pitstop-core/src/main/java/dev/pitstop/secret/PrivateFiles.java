package dev.pitstop.secret;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * Files only their owner may read: backups, migration files, keys. They are created with their
 * mode at once (never created world-readable and narrowed afterwards, which leaves a moment to open
 * them), whatever the process's umask.
 */
public final class PrivateFiles {

    private static final FileAttribute<Set<PosixFilePermission>> FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<Set<PosixFilePermission>> DIRECTORY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private PrivateFiles() {
    }

    /** Creates {@code dir} and its missing parents, each mode 0700; directories that exist are left as they are. */
    public static void createDirectories(Path dir) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path d = dir.toAbsolutePath().normalize(); d != null && !Files.isDirectory(d); d = d.getParent()) {
            missing.push(d);
        }
        while (!missing.isEmpty()) {
            Path next = missing.pop();
            try {
                Files.createDirectory(next, DIRECTORY);
            } catch (FileAlreadyExistsException e) {
                // Made meanwhile by another thread or process: fine if it is a directory.
                if (!Files.isDirectory(next)) {
                    throw e;
                }
            }
        }
    }

    /** Opens {@code file} for writing as a new, empty file of mode 0600, replacing whatever was there. */
    public static FileChannel create(Path file) throws IOException {
        Files.deleteIfExists(file);
        return FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), FILE);
    }

    /** Writes {@code content} to a new file of mode 0600, which must not exist yet. */
    public static void write(Path file, byte[] content) throws IOException {
        createDirectories(file.getParent());
        Files.write(Files.createFile(file, FILE), content);
    }
}
