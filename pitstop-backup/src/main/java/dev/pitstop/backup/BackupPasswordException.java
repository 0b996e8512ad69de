package dev.pitstop.backup;

/** The backup is encrypted and no password was given, or the one given does not open it. */
public final class BackupPasswordException extends InvalidBackupException {

    public BackupPasswordException(String message) {
        super(message);
    }
}
