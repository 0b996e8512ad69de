package dev.pitstop.backup;

import java.util.List;
import java.util.Locale;

/**
 * Where an operation stands.
 *
 * @param stage          what it is doing
 * @param current        what is in progress: the tables (and "storage") being read or loaded, or
 *                       the constraint or index being built; empty between items
 * @param bytes          bytes of the backup file written or read so far
 * @param totalBytes     the backup file's size when reading it, -1 while writing it
 * @param bytesPerSecond the average rate of this stage so far
 * @param done           whether this is the stage's last update
 */
public record ProgressUpdate(Stage stage, List<String> current, long bytes, long totalBytes, double bytesPerSecond,
                             boolean done) {

    public enum Stage {
        /** Reading the database and the storage directory into the file. */
        BACKING_UP,
        /** Reading the whole file to check it before anything is changed. */
        VERIFYING,
        /** Recreating the definitions and loading rows and storage files. */
        RESTORING,
        /** Replaying the definitions, and perhaps the rows, into a scratch database. */
        REPLAYING,
        /** Building constraints, indexes and triggers over the loaded rows. */
        FINISHING
    }

    /** In words, as the CLI's progress line and the console's job list show it: e.g. "restoring: 412.3 MiB of
     * 1.2 GiB (34%), 150.2 MiB/s: app.events". */
    public String describe() {
        StringBuilder text = new StringBuilder(doing(stage, done)).append(": ");
        if (stage == Stage.FINISHING) {
            text.append(done ? "done" : String.join(", ", current));
            return text.toString();
        }
        text.append(bytes(bytes));
        if (totalBytes > 0) {
            text.append(" of ").append(bytes(totalBytes))
                    .append(String.format(Locale.ROOT, " (%d%%)", 100 * bytes / totalBytes));
        }
        text.append(", ").append(bytes((long) bytesPerSecond)).append("/s");
        if (!current.isEmpty()) {
            text.append(": ").append(String.join(", ", current));
        }
        return text.toString();
    }

    private static String doing(Stage stage, boolean done) {
        return switch (stage) {
            case BACKING_UP -> done ? "backed up" : "backing up";
            case VERIFYING -> done ? "verified" : "verifying";
            case RESTORING -> done ? "restored" : "restoring";
            case REPLAYING -> done ? "replayed" : "replaying";
            case FINISHING -> "constraints, indexes and triggers";
        };
    }

    /** A size for people: 1023 B, 412.3 KiB, 1.2 GiB. */
    public static String bytes(long count) {
        if (count < 1024) {
            return count + " B";
        }
        int unit = (63 - Long.numberOfLeadingZeros(count)) / 10;
        return String.format(Locale.ROOT, "%.1f %siB", count / Math.pow(1024, unit), "KMGTPE".charAt(unit - 1));
    }
}
