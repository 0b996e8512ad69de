package dev.pitstop.migration;

/** Bad input to a migration — a rules file, a declaration, a value supplied for a variable — naming what is wrong. */
public final class InvalidMigrationException extends MigrationException {

    public InvalidMigrationException(String message) {
        super(message);
    }
}
