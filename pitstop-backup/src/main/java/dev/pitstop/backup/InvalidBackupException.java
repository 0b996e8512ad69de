package dev.pitstop.backup;

/**
 * The file is not a sound backup: not a backup at all, truncated, damaged, written in an unknown
 * format, or holding an entry that would escape the storage directory.
 */
public class InvalidBackupException extends BackupException {

    public InvalidBackupException(String message) {
        super(message);
    }

    public InvalidBackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
