package dev.pitstop.release;

import java.nio.file.Path;
import java.util.List;

/**
 * The migrations of one owner (the core, or one plugin) in a release, in version order, with where
 * Flyway finds them and the history table that records which ran.
 *
 * @param pluginId     null for the core
 * @param jar          the jar holding them
 * @param location     their directory inside the jar, as a Flyway {@code classpath:} location
 * @param historyTable the owner's Flyway history table in the application schema
 */
public record MigrationSet(String owner, String pluginId, String pluginVersion, Path jar, String location,
                           String historyTable, List<MigrationScript> scripts) {

    public static final String CORE_LOCATION = "dev/pitstop/node/migration";
    public static final String CORE_HISTORY = "core_schema_history";

    /** The history table of a plugin's migrations: each plugin has its own. */
    public static String pluginHistoryTable(String pluginId) {
        return "plugin_" + pluginId.replace('-', '_') + "_schema_history";
    }

    public MigrationSet {
        scripts = List.copyOf(scripts);
    }
}
