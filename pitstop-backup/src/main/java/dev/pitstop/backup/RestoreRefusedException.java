package dev.pitstop.backup;

/**
 * A restore refused before anything was touched: the backup fails verification, was made by a newer
 * release than the one running, or comes from a server whose settings make it unsafe to load. The
 * CLI reports it with exit code 3.
 */
public final class RestoreRefusedException extends BackupException {

    public RestoreRefusedException(String message) {
        super(message);
    }

    public RestoreRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
