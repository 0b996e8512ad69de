package dev.pitstop.migration;

/** A migration that did not happen; the message says why, and that nothing was changed. */
public class MigrationException extends RuntimeException {

    public MigrationException(String message) {
        super(message);
    }

    public MigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
