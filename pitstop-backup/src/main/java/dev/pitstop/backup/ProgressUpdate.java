package dev.pitstop.backup;

import java.util.List;

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
}
