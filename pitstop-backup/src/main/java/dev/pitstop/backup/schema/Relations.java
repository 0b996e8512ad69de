package dev.pitstop.backup.schema;

import static dev.pitstop.backup.schema.Catalog.IN_APP;
import static dev.pitstop.backup.schema.Catalog.address;
import static dev.pitstop.backup.schema.Catalog.notInExtension;

import dev.pitstop.backup.schema.Definitions.Table;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Schemas, sequences, tables (with their partitions, parents, columns, defaults and checks) and
 * views, as pg_dump makes them: a partition is created as a table of its own with all its columns
 * and checks, then attached to its parent, so that its column order survives; a child of ordinary
 * inheritance names its parents and only its own columns.
 */
final class Relations {

    private static final String RELATION = " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
            + IN_APP + " AND " + notInExtension("pg_class", "c.oid");

    private final Catalog catalog;
    private final Reading reading;
    /** Identity columns' sequence options by "table address column". */
    private final Map<String, String> identities = new HashMap<>();

    private Relations(Catalog catalog, Reading reading) {
        this.catalog = catalog;
        this.reading = reading;
    }

    static void read(Catalog catalog, Reading reading) throws SQLException {
        Relations relations = new Relations(catalog, reading);
        relations.schemas();
        relations.sequences();
        relations.tables();
        relations.checks();
        relations.defaults();
        relations.views();
    }

    private void schemas() throws SQLException {
        catalog.each("SELECT " + address("pg_namespace", "n.oid") + ", quote_ident(n.nspname) FROM pg_namespace n"
                + " WHERE " + IN_APP + " ORDER BY n.nspname",
                rs -> reading.add(rs.getString(1), Kind.SCHEMA, rs.getString(2), "CREATE SCHEMA " + rs.getString(2)));
    }

    /**
     * Sequences, except an identity column's, which its table's statement makes; every sequence's
     * value after the data, and a serial column's ownership once its table exists.
     */
    private void sequences() throws SQLException {
        catalog.each("SELECT " + address("pg_class", "c.oid") + ", format('%I.%I', n.nspname, c.relname), c.relpersistence,"
                + " format_type(s.seqtypid, NULL), format('INCREMENT BY %s MINVALUE %s MAXVALUE %s START WITH %s CACHE %s %s',"
                + "   s.seqincrement, s.seqmin, s.seqmax, s.seqstart, s.seqcache, CASE WHEN s.seqcycle THEN 'CYCLE' ELSE 'NO CYCLE' END),"
                + " d.deptype, " + address("pg_class", "d.refobjid") + ","
                + " CASE WHEN d.deptype IS NOT NULL THEN format('%I.%I', tn.nspname, tc.relname) END, quote_ident(a.attname)"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_sequence s ON s.seqrelid = c.oid"
                + " LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid"
                + "   AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')"
                + " LEFT JOIN pg_class tc ON tc.oid = d.refobjid LEFT JOIN pg_namespace tn ON tn.oid = tc.relnamespace"
                + " LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
                + " WHERE " + IN_APP + " AND c.relkind = 'S' AND " + notInExtension("pg_class", "c.oid") + " ORDER BY 2", rs -> {
                    String key = rs.getString(1);
                    String name = rs.getString(2);
                    String table = rs.getString(7);
                    String owner = rs.getString(8) + "." + rs.getString(9);
                    if ("i".equals(rs.getString(6))) {
                        identities.put(table + " " + rs.getString(9), "SEQUENCE NAME " + name + " " + rs.getString(5));
                        reading.madeBy(key, table);
                    } else {
                        String unlogged = "u".equals(rs.getString(3)) ? "UNLOGGED " : "";
                        reading.add(key, Kind.SEQUENCE, name,
                                "CREATE " + unlogged + "SEQUENCE " + name + " AS " + rs.getString(4) + " " + rs.getString(5));
                        if ("a".equals(rs.getString(6))) {
                            reading.add(key + "/owned", Kind.SEQUENCE_OWNERSHIP, name,
                                    "ALTER SEQUENCE " + name + " OWNED BY " + owner).after(key).after(table);
                        }
                    }
                    reading.add(key + "/value", Kind.SEQUENCE_VALUE, name, sequenceValue(name)).after(key);
                });
    }

    /**
     * Sequences are not transactional: this reads the value now, which is at least the value in
     * the backup's snapshot, so every id in the backed-up rows stays below it.
     */
    private String sequenceValue(String sequence) throws SQLException {
        String[] value = new String[1];
        catalog.each("SELECT format('SELECT pg_catalog.setval(%L, %s, %s)', " + Catalog.literal(sequence)
                + ", last_value, is_called::text) FROM " + sequence, rs -> value[0] = rs.getString(1));
        return value[0];
    }

    private static final class TableBuilder {
        final String key;
        final String name;
        final String head;
        final String tail;
        final boolean partition;
        final boolean partitioned;
        final boolean hasParents;
        final List<String> columns = new ArrayList<>();
        final List<String> stored = new ArrayList<>();

        TableBuilder(String key, String name, String head, String tail, boolean partition, boolean partitioned,
                     boolean hasParents) {
            this.key = key;
            this.name = name;
            this.head = head;
            this.tail = tail;
            this.partition = partition;
            this.partitioned = partitioned;
            this.hasParents = hasParents;
        }
    }

    private void tables() throws SQLException {
        Map<String, TableBuilder> tables = new LinkedHashMap<>();
        catalog.each("SELECT " + address("pg_class", "c.oid") + ", format('%I.%I', n.nspname, c.relname), c.relkind,"
                + " c.relpersistence, c.relispartition, array_to_string(c.reloptions, chr(1)),"
                + " (SELECT array_to_string(t.reloptions, chr(1)) FROM pg_class t WHERE t.oid = c.reltoastrelid),"
                + " CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,"
                + " (SELECT string_agg(format('%I.%I', pn.nspname, p.relname), ', ' ORDER BY i.inhseqno) FROM pg_inherits i"
                + "   JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace WHERE i.inhrelid = c.oid),"
                + " (SELECT " + address("pg_class", "i.inhparent") + " FROM pg_inherits i WHERE i.inhrelid = c.oid AND c.relispartition),"
                + " CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END"
                + RELATION + " AND c.relkind IN ('r', 'p') ORDER BY 2", rs -> {
                    String key = rs.getString(1);
                    String name = rs.getString(2);
                    boolean partition = rs.getBoolean(5);
                    String parents = rs.getString(9);
                    String head = "CREATE " + ("u".equals(rs.getString(4)) ? "UNLOGGED " : "") + "TABLE " + name;
                    StringBuilder tail = new StringBuilder();
                    if (parents != null && !partition) {
                        tail.append(" INHERITS (").append(parents).append(')');
                    }
                    if (rs.getString(8) != null) {
                        tail.append(" PARTITION BY ").append(rs.getString(8));
                    }
                    String options = options(rs.getString(6), "", rs.getString(7));
                    if (!options.isEmpty()) {
                        tail.append(" WITH (").append(options).append(')');
                    }
                    tables.put(key, new TableBuilder(key, name, head, tail.toString(), partition,
                            "p".equals(rs.getString(3)), parents != null));
                    if (partition) {
                        String parent = rs.getString(9);
                        reading.add(key + "/attach", Kind.PARTITION, name, "ALTER TABLE ONLY " + parent
                                + " ATTACH PARTITION " + name + " " + rs.getString(11)).after(key).after(rs.getString(10));
                    }
                });
        columns(tables);
        for (TableBuilder table : tables.values()) {
            reading.add(table.key, Kind.TABLE, table.name,
                    table.head + " (" + String.join(", ", table.columns) + ")" + table.tail);
            // A partitioned table's rows are in its partitions.
            if (!table.partitioned) {
                reading.tables.add(new Table(table.name, List.copyOf(table.stored)));
            }
        }
    }

    private void columns(Map<String, TableBuilder> tables) throws SQLException {
        catalog.each("SELECT " + address("pg_class", "c.oid") + ", c.relkind, quote_ident(a.attname),"
                + " format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attislocal, a.attidentity, a.attgenerated,"
                + " CASE WHEN a.attgenerated <> '' THEN pg_get_expr(ad.adbin, ad.adrelid) END,"
                + " CASE WHEN a.attcollation <> t.typcollation THEN format('%I.%I', cn.nspname, co.collname) END,"
                + " a.attstattarget, CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage END,"
                + " array_to_string(a.attoptions, chr(1)), a.attcompression"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
                + " JOIN pg_type t ON t.oid = a.atttypid"
                + " LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum"
                + " LEFT JOIN pg_collation co ON co.oid = a.attcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace"
                + " WHERE " + IN_APP + " AND c.relkind IN ('r', 'p') AND " + notInExtension("pg_class", "c.oid")
                + " ORDER BY c.oid, a.attnum", rs -> {
                    TableBuilder table = tables.get(rs.getString(1));
                    if (table == null) {
                        return;
                    }
                    String column = rs.getString(3);
                    String generated = rs.getString(8);
                    if (generated.isEmpty()) {
                        table.stored.add(column);
                    }
                    boolean notNull = rs.getBoolean(5);
                    // A child of ordinary inheritance gets its inherited columns from its parents.
                    if (table.hasParents && !table.partition && !rs.getBoolean(6)) {
                        if (notNull) {
                            option(table, column, "set not null", "SET NOT NULL");
                        }
                    } else {
                        StringBuilder sql = new StringBuilder(column).append(' ').append(rs.getString(4));
                        if (rs.getString(10) != null) {
                            sql.append(" COLLATE ").append(rs.getString(10));
                        }
                        if ("s".equals(generated)) {
                            sql.append(" GENERATED ALWAYS AS (").append(rs.getString(9)).append(") STORED");
                        }
                        String identity = rs.getString(7);
                        if (!identity.isEmpty()) {
                            sql.append(" GENERATED ").append("a".equals(identity) ? "ALWAYS" : "BY DEFAULT")
                                    .append(" AS IDENTITY (").append(identities.get(table.key + " " + column)).append(')');
                        }
                        if (notNull) {
                            sql.append(" NOT NULL");
                        }
                        table.columns.add(sql.toString());
                    }
                    if (rs.getInt(11) >= 0) {
                        option(table, column, "statistics", "SET STATISTICS " + rs.getInt(11));
                    }
                    if (rs.getString(12) != null) {
                        option(table, column, "storage", "SET STORAGE " + storage(rs.getString(12)));
                    }
                    if (rs.getString(13) != null) {
                        option(table, column, "options", "SET (" + options(rs.getString(13), "", null) + ")");
                    }
                    String compression = rs.getString(14);
                    if (compression != null && !compression.isEmpty()) {
                        option(table, column, "compression", "SET COMPRESSION " + ("l".equals(compression) ? "lz4" : "pglz"));
                    }
                });
    }

    private void option(TableBuilder table, String column, String what, String change) {
        reading.add(table.key + "/" + column + "/" + what, Kind.COLUMN_OPTIONS, table.name + "." + column,
                "ALTER TABLE ONLY " + table.name + " ALTER COLUMN " + column + " " + change).after(table.key);
    }

    private static String storage(String code) {
        return switch (code) {
            case "p" -> "PLAIN";
            case "e" -> "EXTERNAL";
            case "m" -> "MAIN";
            default -> "EXTENDED";
        };
    }

    /**
     * A WITH list from {@code reloptions}-style entries ({@code name=value}, joined by chr(1)),
     * each value quoted, and the TOAST table's with the {@code toast.} prefix.
     */
    static String options(String own, String prefix, String toast) {
        List<String> list = new ArrayList<>();
        for (String[] group : new String[][] {{own, prefix}, {toast, "toast."}}) {
            if (group[0] == null || group[0].isEmpty()) {
                continue;
            }
            for (String option : group[0].split("\u0001")) {
                int equals = option.indexOf('=');
                list.add(group[1] + option.substring(0, equals) + "=" + Catalog.literal(option.substring(equals + 1)));
            }
        }
        return String.join(", ", list);
    }

    /**
     * CHECK constraints, before the data as pg_dump makes them: a partition gets all of its own,
     * inherited or not, since it must have them to be attached; any other table only those
     * declared on it, the others coming from its parents. A check not yet validated is added after
     * the data, which may break it.
     */
    private void checks() throws SQLException {
        Map<String, List<String>> byTableAndName = new HashMap<>();
        // (a parent's check, "child table name") pairs: the child's check of that name goes first.
        List<String[]> mergedInto = new ArrayList<>();
        catalog.each("SELECT " + address("pg_constraint", "con.oid") + ", " + address("pg_class", "c.oid")
                + ", format('%I.%I', n.nspname, c.relname), quote_ident(con.conname), pg_get_constraintdef(con.oid),"
                + " con.convalidated, con.conislocal, c.relispartition, con.connoinherit,"
                + " (SELECT string_agg(" + address("pg_class", "i.inhrelid") + ", ' ') FROM pg_inherits i WHERE i.inhparent = c.oid)"
                + " FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + IN_APP + " AND con.contype = 'c'"
                + " ORDER BY 3, 4", rs -> {
                    String key = rs.getString(1);
                    String table = rs.getString(2);
                    String object = rs.getString(3) + "." + rs.getString(4);
                    boolean local = rs.getBoolean(7);
                    boolean partition = rs.getBoolean(8);
                    reading.madeBy(key, table);
                    if (!local && !partition) {
                        return;
                    }
                    boolean valid = rs.getBoolean(6);
                    // Children already there have it too and merge; a NO INHERIT check reaches none.
                    String only = rs.getBoolean(9) ? "ONLY " : "";
                    SchemaObject check = reading.add(key, valid ? Kind.CHECK : Kind.CONSTRAINT, object, "ALTER TABLE " + only
                            + rs.getString(3) + " ADD CONSTRAINT " + rs.getString(4) + " " + rs.getString(5)).after(table);
                    byTableAndName.computeIfAbsent(table + " " + rs.getString(4), k -> new ArrayList<>()).add(key);
                    if (valid) {
                        reading.madeBy(key, key);
                        SchemaObject attach = reading.get(table + "/attach");
                        if (attach != null) {
                            attach.after(key);
                        }
                        String children = rs.getString(10);
                        if (children != null && !partition) {
                            // A child's own check of the same name first: the parent's then merges with it.
                            for (String child : children.split(" ")) {
                                mergedInto.add(new String[] {key, child + " " + rs.getString(4)});
                            }
                        }
                    }
                });
        for (String[] edge : mergedInto) {
            for (String childCheck : byTableAndName.getOrDefault(edge[1], List.of())) {
                reading.get(edge[0]).after(childCheck);
            }
        }
    }

    /** Column defaults of tables and views; a generated column's expression is in its table's statement. */
    private void defaults() throws SQLException {
        catalog.each("SELECT " + address("pg_attrdef", "ad.oid") + ", " + address("pg_class", "c.oid") + ", c.relkind,"
                + " format('%I.%I', n.nspname, c.relname), quote_ident(a.attname), pg_get_expr(ad.adbin, ad.adrelid), a.attgenerated"
                + " FROM pg_attrdef ad JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum"
                + " JOIN pg_class c ON c.oid = ad.adrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE " + IN_APP + " AND " + notInExtension("pg_class", "c.oid") + " ORDER BY 4, a.attnum", rs -> {
                    String table = rs.getString(2);
                    if (!rs.getString(7).isEmpty()) {
                        reading.madeBy(rs.getString(1), table);
                        return;
                    }
                    String alter = "v".equals(rs.getString(3)) ? "ALTER VIEW " : "ALTER TABLE ONLY ";
                    reading.add(rs.getString(1), Kind.COLUMN_DEFAULT, rs.getString(4) + "." + rs.getString(5), alter
                            + rs.getString(4) + " ALTER COLUMN " + rs.getString(5) + " SET DEFAULT " + rs.getString(6))
                            .after(table);
                });
    }

    /**
     * Views and materialized views, the latter created empty and filled after the data if they
     * were filled; each with a placeholder of the same columns for {@link DumpOrder}.
     */
    private void views() throws SQLException {
        Map<String, List<String>> placeholderColumns = new LinkedHashMap<>();
        catalog.each("SELECT " + address("pg_class", "c.oid") + ", quote_ident(a.attname), format_type(a.atttypid, a.atttypmod),"
                + " CASE WHEN a.attcollation <> t.typcollation THEN format('%I.%I', cn.nspname, co.collname) END"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
                + " JOIN pg_type t ON t.oid = a.atttypid"
                + " LEFT JOIN pg_collation co ON co.oid = a.attcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace"
                + " WHERE " + IN_APP + " AND c.relkind = 'v' ORDER BY c.oid, a.attnum",
                rs -> placeholderColumns.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add("NULL::"
                        + rs.getString(3) + (rs.getString(4) == null ? "" : " COLLATE " + rs.getString(4)) + " AS " + rs.getString(2)));
        catalog.each("SELECT " + address("pg_class", "c.oid") + ", format('%I.%I', n.nspname, c.relname), c.relkind,"
                + " pg_get_viewdef(c.oid), array_to_string(c.reloptions, chr(1)), c.relispopulated,"
                + " (SELECT " + address("pg_rewrite", "r.oid") + " FROM pg_rewrite r WHERE r.ev_class = c.oid AND r.rulename = '_RETURN')"
                + RELATION + " AND c.relkind IN ('v', 'm') ORDER BY 2", rs -> {
                    String key = rs.getString(1);
                    String name = rs.getString(2);
                    String query = rs.getString(4).strip();
                    if (query.endsWith(";")) {
                        query = query.substring(0, query.length() - 1);
                    }
                    String options = options(rs.getString(5), "", null);
                    String with = options.isEmpty() ? "" : " WITH (" + options + ")";
                    reading.madeBy(rs.getString(7), key);
                    if ("v".equals(rs.getString(3))) {
                        reading.add(key, Kind.VIEW, name, "CREATE VIEW " + name + with + " AS " + query);
                        reading.placeholders.put(key, "CREATE VIEW " + name + " AS SELECT "
                                + String.join(", ", placeholderColumns.getOrDefault(key, List.of())));
                    } else {
                        reading.add(key, Kind.MATERIALIZED_VIEW, name,
                                "CREATE MATERIALIZED VIEW " + name + with + " AS " + query + " WITH NO DATA");
                        if (rs.getBoolean(6)) {
                            reading.add(key + "/data", Kind.MATERIALIZED_VIEW_DATA, name,
                                    "REFRESH MATERIALIZED VIEW " + name).after(key);
                        }
                    }
                });
    }
}
