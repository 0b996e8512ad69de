package dev.pitstop.backup;

import dev.pitstop.backup.format.EntryKind;
import dev.pitstop.backup.format.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Free disk, checked before a restore writes files: running out halfway would leave a staging
 * directory to clean and the operator without the answer "how much is missing".
 */
final class DiskSpace {

    private DiskSpace() {
    }

    /** Bytes of the storage files in a backup, uncompressed: what a restore writes beside the storage directory. */
    static long storageBytes(Manifest manifest) {
        return manifest.entries().stream().filter(entry -> entry.kind() == EntryKind.FILE)
                .mapToLong(Manifest.Entry::size).sum();
    }

    /** The free bytes of the disk that holds {@code dir}, or of its nearest existing parent. */
    static long free(Path dir) throws IOException {
        Path existing = dir.toAbsolutePath().normalize();
        while (!Files.exists(existing) && existing.getParent() != null) {
            existing = existing.getParent();
        }
        return Files.getFileStore(existing).getUsableSpace();
    }

    /** Why {@code free} bytes do not hold {@code needed}, naming both numbers; null when they do. */
    static String shortfall(long free, long needed, Path where, String what) {
        if (needed <= free) {
            return null;
        }
        return "the disk of " + where + " has " + free + " bytes free and " + what + " need " + needed
                + " bytes; free " + (needed - free) + " bytes or more, then retry";
    }
}
