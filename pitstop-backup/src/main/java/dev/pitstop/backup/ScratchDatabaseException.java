package dev.pitstop.backup;

/**
 * No scratch database could be made to replay a backup into, so its restorability was not proved.
 * The backup itself may be sound; the message says what to grant or configure.
 */
public final class ScratchDatabaseException extends BackupException {

    ScratchDatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
