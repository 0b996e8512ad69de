package dev.pitstop.migration;

import dev.pitstop.backup.UnsupportedObjectsException;
import dev.pitstop.backup.format.Manifest;
import dev.pitstop.backup.schema.AppSchemas;
import dev.pitstop.backup.schema.CatalogReader;
import dev.pitstop.backup.schema.Definitions;
import dev.pitstop.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a migration reads about one database, source or target, in the transaction of {@code c}:
 * the same reads on both sides, so that they compare.
 */
final class DatabaseFacts {

    static final String PLUGINS = Database.APP_SCHEMA + ".plugins";
    static final String ENVIRONMENT = Database.APP_SCHEMA + ".environment";

    private DatabaseFacts() {
    }

    /** The definitions, as the backup engine reads them; refused when it could not recreate them. */
    static Definitions definitions(Connection c, AppSchemas appSchemas) throws SQLException {
        try {
            return CatalogReader.read(c, appSchemas);
        } catch (UnsupportedObjectsException e) {
            throw new MigrationException("cannot migrate: the application schemas hold objects a migration cannot carry: "
                    + String.join(", ", e.objects()) + "; remove them or move them out of the application schemas");
        }
    }

    /** The release the database was last installed, upgraded or restored at, or null when not known. */
    static String release(Connection c) throws SQLException {
        if (!exists(c, "pitstop.installations")) {
            return null;
        }
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT release_version FROM pitstop.installations"
                     + " WHERE completed_at IS NOT NULL ORDER BY completed_at DESC, id DESC LIMIT 1")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** The installed plugins, by id. */
    static List<Manifest.Plugin> plugins(Connection c) throws SQLException {
        List<Manifest.Plugin> plugins = new ArrayList<>();
        if (!exists(c, PLUGINS)) {
            return plugins;
        }
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, version, enabled FROM " + PLUGINS + " WHERE installed ORDER BY id")) {
            while (rs.next()) {
                plugins.add(new Manifest.Plugin(rs.getString(1), rs.getString(2), rs.getBoolean(3)));
            }
        }
        return plugins;
    }

    /** The environment's names and whether each is a secret; never the values. */
    static List<MigrationPlan.EnvironmentName> environment(Connection c) throws SQLException {
        List<MigrationPlan.EnvironmentName> names = new ArrayList<>();
        if (!exists(c, ENVIRONMENT)) {
            return names;
        }
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT name, secret FROM " + ENVIRONMENT + " ORDER BY name")) {
            while (rs.next()) {
                names.add(new MigrationPlan.EnvironmentName(rs.getString(1), rs.getBoolean(2)));
            }
        }
        return names;
    }

    static Set<String> environmentNames(Connection c) throws SQLException {
        Set<String> names = new LinkedHashSet<>();
        for (MigrationPlan.EnvironmentName name : environment(c)) {
            names.add(name.name());
        }
        return names;
    }

    static boolean exists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
