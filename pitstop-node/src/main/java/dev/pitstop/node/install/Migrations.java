package dev.pitstop.node.install;

import dev.pitstop.db.Database;
import dev.pitstop.release.BatchedMigrations;
import dev.pitstop.release.ConcurrentIndexes;
import dev.pitstop.release.MigrationSet;
import dev.pitstop.release.ReleaseMigrations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.callback.Callback;

/**
 * Versioned schema changes of the core and of each plugin, each with its own history table in the
 * application schema. All pending migrations of one owner run in one transaction (PostgreSQL DDL
 * is transactional), so a failing migration leaves that owner's schema as it was; a history table
 * that the failed run created is dropped again. Flyway serialises concurrent runs on a history
 * table, so a run cut short by a crash is completed by the next one.
 *
 * <p>The schema is shared, so each history starts with a baseline at version 0: the other owners'
 * tables are expected, and every owner's own V1 still runs.
 */
public final class Migrations {

    private Migrations() {
    }

    /** The core's migrations: none is declared batched (the core has no plugin.properties). */
    public static void migrateCore(DataSource dataSource) {
        migrate(dataSource, Migrations.class.getClassLoader(), MigrationSet.CORE_HISTORY,
                "classpath:" + MigrationSet.CORE_LOCATION, "core", new Callback[0]);
    }

    /**
     * Applies the SQL files under {@code migrations/<pluginId>/} in the plugin's jar, repeating each
     * one its {@code plugin.properties} declares batched until it changes no row.
     */
    public static void migratePlugin(DataSource dataSource, String pluginId, Path jar) {
        Callback batched = BatchedMigrations.repeatAfterFlyway(ReleaseMigrations.ofPlugin(jar));
        try (URLClassLoader resources = jarResources(jar)) {
            migrate(dataSource, resources, historyTable(pluginId), "classpath:migrations/" + pluginId, "plugin " + pluginId,
                    batched);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs the plugin's {@code uninstall/<pluginId>.sql} and drops its migration history, in one transaction.
     *
     * @throws IllegalStateException when the jar has no uninstall script
     */
    public static void uninstallPlugin(DataSource dataSource, String pluginId, Path jar) throws SQLException {
        String script;
        try (URLClassLoader resources = jarResources(jar);
             var in = resources.getResourceAsStream("uninstall/" + pluginId + ".sql")) {
            if (in == null) {
                throw new IllegalStateException("plugin " + pluginId + " has no uninstall script (uninstall/"
                        + pluginId + ".sql in its jar), so its data cannot be dropped; remove it without --drop-data");
            }
            script = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute(script);
                st.execute("DROP TABLE IF EXISTS " + Database.APP_SCHEMA + "." + historyTable(pluginId));
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static String historyTable(String pluginId) {
        return MigrationSet.pluginHistoryTable(pluginId);
    }

    private static URLClassLoader jarResources(Path jar) throws IOException {
        // No parent: only the jar's own resources are visible, never another plugin's or the core's.
        return new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
    }

    private static void migrate(DataSource dataSource, ClassLoader classLoader, String table, String location,
                                String owner, Callback... callbacks) {
        boolean hadHistory = tableExists(dataSource, table);
        try {
            ConcurrentIndexes.allowed(Flyway.configure(classLoader))
                    .dataSource(dataSource)
                    .schemas(Database.APP_SCHEMA)
                    .table(table)
                    .locations(location)
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .group(true)
                    // A release made for online upgrades builds indexes CONCURRENTLY, which cannot run in a
                    // transaction: Flyway then runs that group without one.
                    .mixed(true)
                    .failOnMissingLocations(false)
                    .callbacks(callbacks)
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            if (!hadHistory) {
                dropHistory(dataSource, table);
            }
            throw new MigrationFailedException(owner, e);
        }
    }

    private static boolean tableExists(DataSource dataSource, String table) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, Database.APP_SCHEMA + "." + table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot inspect the application schema: " + e.getMessage(), e);
        }
    }

    private static void dropHistory(DataSource dataSource, String table) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + Database.APP_SCHEMA + "." + table);
        } catch (SQLException e) {
            throw new IllegalStateException("the migration failed and its history table " + table
                    + " could not be dropped: " + e.getMessage(), e);
        }
    }
}
