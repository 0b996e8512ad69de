package dev.pitstop.node.install;

import dev.pitstop.db.Database;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Versioned schema changes of the core and of each plugin, each with its own history table in the
 * application schema. Flyway runs every migration in its own transaction and serialises concurrent
 * runs on the same history table, so an interrupted run is completed by the next one.
 *
 * <p>The schema is shared, so each history starts with a baseline at version 0: the other owners'
 * tables are expected, and every owner's own V1 still runs.
 */
public final class Migrations {

    private Migrations() {
    }

    public static MigrateResult migrateCore(DataSource dataSource) {
        return migrate(dataSource, Migrations.class.getClassLoader(), "core_schema_history",
                "classpath:dev/pitstop/node/migration", "core");
    }

    /** Applies the SQL files under {@code migrations/<pluginId>/} found through the plugin's class loader. */
    public static MigrateResult migratePlugin(DataSource dataSource, String pluginId, ClassLoader pluginClassLoader) {
        String table = "plugin_" + pluginId.replace('-', '_') + "_schema_history";
        return migrate(dataSource, pluginClassLoader, table, "classpath:migrations/" + pluginId, "plugin " + pluginId);
    }

    private static MigrateResult migrate(DataSource dataSource, ClassLoader classLoader, String table,
                                         String location, String owner) {
        try {
            return Flyway.configure(classLoader)
                    .dataSource(dataSource)
                    .schemas(Database.APP_SCHEMA)
                    .table(table)
                    .locations(location)
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .failOnMissingLocations(false)
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new MigrationFailedException(owner, e);
        }
    }
}
