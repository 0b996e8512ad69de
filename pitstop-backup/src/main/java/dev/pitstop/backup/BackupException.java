package dev.pitstop.backup;

/**
 * A backup, verification or restore that did not happen. The message names the file, entry, table
 * or object concerned and what to do; every operation that throws it has left the database, the
 * storage directory and the backups directory as they were.
 */
public class BackupException extends RuntimeException {

    public BackupException(String message) {
        super(message);
    }

    public BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
