package dev.pitstop.backup.schema;

import static dev.pitstop.backup.schema.Catalog.IN_APP;
import static dev.pitstop.backup.schema.Catalog.notInExtension;

import dev.pitstop.backup.UnsupportedObjectsException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds what the application schemas hold beyond what {@link CatalogReader} can recreate. Each
 * kind is refused by name rather than skipped: a restore without it would be a different
 * application. Objects that an extension made are the extension's and never refused.
 */
final class UnsupportedObjects {

    private static final String IN_APP_NOT_MEMBER = " JOIN pg_namespace n ON n.oid = x.ns WHERE " + IN_APP;

    /** Rows of (kind, name) for every object of a kind the backup cannot carry. */
    private static final String QUERY = String.join("\nUNION ALL\n",
            "SELECT CASE c.relkind WHEN 'f' THEN 'foreign table' ELSE 'relation of kind ' || c.relkind::text END,"
                    + " format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE " + IN_APP + " AND c.relkind NOT IN ('r', 'p', 'S', 'v', 'm', 'i', 'I', 'c', 't')"
                    + " AND " + notInExtension("pg_class", "c.oid"),
            "SELECT 'typed table', format('%I.%I', n.nspname, c.relname)"
                    + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE " + IN_APP + " AND c.reloftype <> 0",
            "SELECT CASE t.typtype WHEN 'p' THEN 'pseudo-type' ELSE 'base type' END, format('%I.%I', n.nspname, t.typname)"
                    + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
                    + " WHERE " + IN_APP + " AND t.typtype IN ('b', 'p') AND t.typelem = 0 AND " + notInExtension("pg_type", "t.oid"),
            "SELECT 'range type with a canonical function', format('%I.%I', n.nspname, t.typname)"
                    + " FROM pg_range r JOIN pg_type t ON t.oid = r.rngtypid JOIN pg_namespace n ON n.oid = t.typnamespace"
                    + " WHERE " + IN_APP + " AND r.rngcanonical <> 0 AND " + notInExtension("pg_type", "t.oid"),
            other("conversion", "conname", "connamespace", "pg_conversion"),
            other("operator class", "opcname", "opcnamespace", "pg_opclass"),
            other("operator family", "opfname", "opfnamespace", "pg_opfamily"),
            other("text search configuration", "cfgname", "cfgnamespace", "pg_ts_config"),
            other("text search dictionary", "dictname", "dictnamespace", "pg_ts_dict"),
            other("text search parser", "prsname", "prsnamespace", "pg_ts_parser"),
            other("text search template", "tmplname", "tmplnamespace", "pg_ts_template"),
            // Large objects belong to the database, not to a schema, but the application's rows
            // may point at them by oid: a backup without them would restore dangling references.
            "(SELECT 'large object', oid::text FROM pg_largeobject_metadata ORDER BY oid LIMIT 10)");

    /** The application's {@code regclass} columns: table, column. */
    private static final String REGCLASS_COLUMNS = "SELECT format('%I.%I', n.nspname, c.relname), quote_ident(a.attname)"
            + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE " + IN_APP + " AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped"
            + " AND a.atttypid = 'regclass'::regtype ORDER BY 1, 2";

    private UnsupportedObjects() {
    }

    /** Throws naming every object found, if any. */
    static void refuseAny(Catalog catalog) throws SQLException {
        List<String> found = new ArrayList<>();
        catalog.each(QUERY, rs -> found.add(rs.getString(1) + " " + rs.getString(2)));
        indexesNamedByRows(catalog, found);
        if (!found.isEmpty()) {
            throw new UnsupportedObjectsException(found);
        }
    }

    /**
     * A {@code regclass} value is written as the relation's name and read back by looking the name
     * up: the rows are loaded before the indexes exist, so a value naming an index cannot be.
     */
    private static void indexesNamedByRows(Catalog catalog, List<String> found) throws SQLException {
        List<String[]> columns = new ArrayList<>();
        catalog.each(REGCLASS_COLUMNS, rs -> columns.add(new String[] {rs.getString(1), rs.getString(2)}));
        for (String[] column : columns) {
            catalog.each("SELECT count(*) FROM " + column[0] + " WHERE " + column[1]
                    + " IN (SELECT oid FROM pg_class WHERE relkind IN ('i', 'I'))", rs -> {
                        if (rs.getLong(1) > 0) {
                            found.add("regclass column naming an index " + column[0] + "." + column[1] + " ("
                                    + rs.getLong(1) + " rows: indexes are made after the rows are loaded; store the index's"
                                    + " name as text instead)");
                        }
                    });
        }
    }

    private static String other(String kind, String nameColumn, String namespaceColumn, String catalog) {
        return "SELECT '" + kind + "', format('%I.%I', n.nspname, x.name) FROM (SELECT oid, " + nameColumn + " AS name, "
                + namespaceColumn + " AS ns FROM " + catalog + ") x" + IN_APP_NOT_MEMBER + " AND "
                + notInExtension(catalog, "x.oid");
    }
}
