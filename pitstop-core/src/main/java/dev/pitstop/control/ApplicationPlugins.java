package dev.pitstop.control;

import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * The plugins of an application Pitstop does not host, as it keeps them in its own tables: read
 * with the query its release declares ({@code node.plugins.query}), never written by Pitstop.
 */
public final class ApplicationPlugins {

    /**
     * One plugin.
     *
     * @param id      the name the application's plugin commands take
     * @param version its version, or null when the application does not record one
     * @param builtIn part of the application's core set, which it does not let be disabled or removed
     */
    public record Plugin(String id, String version, boolean enabled, boolean installed, boolean builtIn) {
    }

    private ApplicationPlugins() {
    }

    /**
     * Runs {@code query} read-only on the cluster's database.
     *
     * @throws IllegalStateException naming the query and what the database said, when it fails or lacks a column
     */
    public static List<Plugin> list(DataSource db, String query) {
        try {
            return Sql.listReadOnly(db, query, rs -> new Plugin(rs.getString("id"), rs.getString("version"),
                    rs.getBoolean("enabled"), rs.getBoolean("installed"), rs.getBoolean("built_in")));
        } catch (SQLException e) {
            throw new IllegalStateException("the release's plugin query (node.plugins.query in release.json) failed: "
                    + e.getMessage() + "; it must return the columns id, version, enabled, installed, built_in; "
                    + "query: " + query, e);
        }
    }
}
