package dev.pitstop.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** A backup that ran out of space: told apart from other write errors so the operator learns how much is needed. */
final class DiskFull {

    private static final long MB = 1024 * 1024;

    private DiskFull() {
    }

    /** Whether the write failed with ENOSPC (or the quota's EDQUOT), here or in a worker that wrote for it. */
    static boolean causedBy(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && (message.contains("No space left on device") || message.contains("Disk quota exceeded"))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /**
     * The failure to report once the partial file is deleted: the directory, what it has free now,
     * what was written before the disk filled, and what the backup may need (the database and
     * storage as they are, before compression: an upper bound, as compression only shrinks them).
     */
    static BackupException failure(Path dir, long written, long estimated, IOException cause) {
        String free;
        try {
            free = megabytes(Files.getFileStore(dir).getUsableSpace()) + " free";
        } catch (IOException e) {
            free = "free space unknown";
        }
        return new BackupException("backup failed, no file was written: the file system of " + dir + " is full ("
                + free + " after removing the partial file of " + megabytes(written) + "); the backup needs up to "
                + megabytes(estimated) + " (database and storage before compression): free that much in " + dir
                + " or choose another file with --output", cause);
    }

    private static String megabytes(long bytes) {
        return bytes < MB ? bytes / 1024 + " KB" : String.format(Locale.ROOT, "%.1f MB", bytes / (double) MB);
    }
}
