package dev.pitstop.release;

import org.flywaydb.core.api.MigrationVersion;

/**
 * One versioned migration a release carries.
 *
 * @param owner   {@code core} or {@code plugin ID}, for messages
 * @param version the Flyway version of its file name ({@code V3__add_color.sql} → {@code 3})
 * @param file    its file name
 * @param phase   when it may run, as declared
 * @param batched whether it is a batched backfill, repeated until it changes no row, as declared
 * @param sql     its text
 */
public record MigrationScript(String owner, String version, String file, MigrationPhase phase, boolean batched,
                              String sql) {

    public MigrationVersion flywayVersion() {
        return MigrationVersion.fromVersion(version);
    }

    /** "V3__add_color.sql of plugin items", for messages. */
    public String describe() {
        return file + " of " + owner;
    }
}
