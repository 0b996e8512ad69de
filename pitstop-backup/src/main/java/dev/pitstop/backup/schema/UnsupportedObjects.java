package dev.pitstop.backup.schema;

import dev.pitstop.backup.UnsupportedObjectsException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds what the application schemas hold beyond what {@link CatalogReader} can recreate. Each
 * kind is refused by name rather than skipped: a restore without it would be a different
 * application.
 */
final class UnsupportedObjects {

    private UnsupportedObjects() {
    }

    private static String inApp(AppSchemas appSchemas) {
        return " JOIN pg_namespace n ON n.oid = x.ns WHERE " + appSchemas.condition();
    }

    /** Rows of (kind, name) for every object of a kind the backup cannot carry. */
    private static String query(AppSchemas appSchemas) {
        return String.join("\nUNION ALL\n",
            "SELECT CASE c.relkind WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table'"
                    + " WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index'"
                    + " WHEN 'c' THEN 'composite type' ELSE 'relation of kind ' || c.relkind::text END,"
                    + " format('%I.%I', n.nspname, c.relname)"
                    + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE " + appSchemas.condition() + " AND c.relkind NOT IN ('r', 'S', 'v', 'i')",
            "SELECT 'inheriting table', format('%I.%I', n.nspname, c.relname)"
                    + " FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE " + appSchemas.condition(),
            "SELECT 'typed table', format('%I.%I', n.nspname, c.relname)"
                    + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE " + appSchemas.condition() + " AND c.reloftype <> 0",
            "SELECT 'row-level security on table', format('%I.%I', n.nspname, c.relname)"
                    + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE " + appSchemas.condition() + " AND (c.relrowsecurity OR EXISTS"
                    + " (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid))",
            "SELECT 'rule', format('%I on %I.%I', r.rulename, n.nspname, c.relname)"
                    + " FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE " + appSchemas.condition() + " AND r.rulename <> '_RETURN'",
            "SELECT 'extension', format('%I (in schema %I)', x.extname, n.nspname)"
                    + " FROM (SELECT extname, extnamespace AS ns FROM pg_extension) x" + inApp(appSchemas),
            // Table, view and sequence row types come with their relations, and array types with
            // their element types; anything else that is not an enum is a type of its own.
            "SELECT CASE t.typtype WHEN 'd' THEN 'domain' WHEN 'r' THEN 'range type' WHEN 'm' THEN 'multirange type'"
                    + " WHEN 'p' THEN 'pseudo-type' ELSE 'base type' END, format('%I.%I', n.nspname, t.typname)"
                    + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
                    + " WHERE " + appSchemas.condition() + " AND t.typtype <> 'e' AND t.typrelid = 0"
                    + " AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = t.oid)",
            "SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' ELSE 'window function' END,"
                    + " format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid))"
                    + " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                    + " WHERE " + appSchemas.condition() + " AND p.prokind IN ('a', 'w')",
            "SELECT 'comment on ' || type, identity FROM (" + Comments.query(appSchemas) + " AND " + Comments.NOT_CARRIED + ") x",
            other(appSchemas, "collation", "collname", "collnamespace", "pg_collation"),
            other(appSchemas, "conversion", "conname", "connamespace", "pg_conversion"),
            other(appSchemas, "operator", "oprname", "oprnamespace", "pg_operator"),
            other(appSchemas, "operator class", "opcname", "opcnamespace", "pg_opclass"),
            other(appSchemas, "operator family", "opfname", "opfnamespace", "pg_opfamily"),
            other(appSchemas, "text search configuration", "cfgname", "cfgnamespace", "pg_ts_config"),
            other(appSchemas, "text search dictionary", "dictname", "dictnamespace", "pg_ts_dict"),
            other(appSchemas, "text search parser", "prsname", "prsnamespace", "pg_ts_parser"),
            other(appSchemas, "text search template", "tmplname", "tmplnamespace", "pg_ts_template"),
            other(appSchemas, "extended statistics", "stxname", "stxnamespace", "pg_statistic_ext"),
            // Large objects belong to the database, not to a schema, but the application's rows
            // may point at them by oid: a backup without them would restore dangling references.
            "(SELECT 'large object', oid::text FROM pg_largeobject_metadata ORDER BY oid LIMIT 10)");
    }

    /** Throws naming every object found in the application schemas, if any. */
    static void refuseAny(Connection c, AppSchemas appSchemas) throws SQLException {
        List<String> found = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query(appSchemas))) {
            while (rs.next()) {
                found.add(rs.getString(1) + " " + rs.getString(2));
            }
        }
        if (!found.isEmpty()) {
            throw new UnsupportedObjectsException(found);
        }
    }

    private static String other(AppSchemas appSchemas, String kind, String nameColumn, String namespaceColumn,
                                String catalog) {
        return "SELECT '" + kind + "', format('%I.%I', n.nspname, x.name) FROM (SELECT " + nameColumn + " AS name, "
                + namespaceColumn + " AS ns FROM " + catalog + ") x" + inApp(appSchemas);
    }
}
