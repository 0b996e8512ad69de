package dev.pitstop.backup;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;

/**
 * Replaces the storage directory as a whole. The backup's files are extracted into a staging
 * directory beside it — same parent, same file system — so that the swap is two renames; the old
 * directory is kept beside it until the database has committed, and put back if it did not.
 */
final class StorageSwap {

    private static final String STAGING = "restore";

    private final Path target;
    private final Path staging;
    private Path previous;

    private StorageSwap(Path target, Path staging) {
        this.target = target;
        this.staging = staging;
    }

    /**
     * Creates the empty staging directory beside {@code target}, first deleting those that killed
     * restores left: the caller holds the restore lock, so no other restore is using one.
     */
    static StorageSwap prepare(Path target) throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        if (Files.isDirectory(absolute.getParent())) {
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(absolute.getParent(),
                    "." + absolute.getFileName() + "." + STAGING + "-*")) {
                for (Path leftover : leftovers) {
                    deleteTree(leftover);
                }
            }
        }
        Path staging = sibling(absolute, STAGING);
        Files.createDirectories(staging);
        return new StorageSwap(absolute, staging);
    }

    /** Where to extract the backup's storage entries. */
    Path staging() {
        return staging;
    }

    /** Puts the staged directory in place, keeping the old one beside it. */
    void swap() throws IOException {
        if (Files.exists(target)) {
            previous = sibling(target, "previous");
            Files.move(target, previous, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /** After a failed commit: the old directory back in place, the restored one gone. */
    void revert() throws IOException {
        Files.move(target, staging, StandardCopyOption.ATOMIC_MOVE);
        if (previous != null) {
            Files.move(previous, target, StandardCopyOption.ATOMIC_MOVE);
        }
        deleteTree(staging);
    }

    /** After a commit: drops the old directory. */
    void commit() throws IOException {
        if (previous != null) {
            deleteTree(previous);
        }
    }

    /** After a failure before the swap: drops the staged files. */
    void discard() throws IOException {
        deleteTree(staging);
    }

    private static Path sibling(Path target, String purpose) {
        return target.resolveSibling("." + target.getFileName() + "." + purpose + "-" + UUID.randomUUID());
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
