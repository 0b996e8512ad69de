package dev.pitstop.backup.schema;

import dev.pitstop.backup.schema.Definitions.Ddl;
import dev.pitstop.backup.schema.Definitions.Table;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the application schemas' definitions from the system catalogs into {@link Definitions}. It
 * writes table, sequence, type and view statements itself and takes functions, constraints,
 * indexes, triggers and view queries from PostgreSQL's {@code pg_get_*def}, which know every option
 * of those. What it cannot recreate, {@link UnsupportedObjects} refuses first.
 */
public final class CatalogReader {

    private final Connection c;
    private final AppSchemas appSchemas;
    private final String appRelation;
    private final List<Ddl> before = new ArrayList<>();
    private final List<Ddl> after = new ArrayList<>();

    private CatalogReader(Connection c, AppSchemas appSchemas) {
        this.c = c;
        this.appSchemas = appSchemas;
        this.appRelation = " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
                + appSchemas.condition();
    }

    /**
     * The definitions as {@code c}'s transaction sees them. It sets the transaction's search path
     * to empty, so that PostgreSQL qualifies every name it prints.
     */
    public static Definitions read(Connection c, AppSchemas appSchemas) throws SQLException {
        UnsupportedObjects.refuseAny(c, appSchemas);
        execute(c, "SET LOCAL search_path = ''");
        return new CatalogReader(c, appSchemas).read();
    }

    private Definitions read() throws SQLException {
        List<String> schemas = appSchemas.list(c);
        for (String schema : schemas) {
            before.add(new Ddl("schema", schema, "CREATE SCHEMA " + schema));
        }
        enums();
        Map<String, String> identityOptions = new HashMap<>();
        List<Ddl> ownerships = sequences(identityOptions);
        List<Ddl> defaults = new ArrayList<>();
        List<Table> tables = tables(identityOptions, defaults);
        // Functions and views come after tables, whose row types they may take or return, and
        // defaults after both, since they may call functions.
        functionsAndViews();
        before.addAll(defaults);
        before.addAll(ownerships);
        afterData();
        comments();
        return new Definitions(schemas, tables, List.copyOf(before), List.copyOf(after));
    }

    private void enums() throws SQLException {
        forEach("SELECT format('%I.%I', n.nspname, t.typname),"
                + " coalesce(string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder), '')"
                + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace LEFT JOIN pg_enum e ON e.enumtypid = t.oid"
                + " WHERE " + appSchemas.condition() + " AND t.typtype = 'e' GROUP BY 1 ORDER BY 1",
                rs -> before.add(new Ddl("enum type", rs.getString(1),
                        "CREATE TYPE " + rs.getString(1) + " AS ENUM (" + rs.getString(2) + ")")));
    }

    /**
     * Creates the sequences that are not an identity column's, fills {@code identityOptions} (by
     * "table column") for those that are, sets every sequence's value after the data, and returns
     * the statements that tie serial sequences to their columns, to run once the tables exist.
     */
    private List<Ddl> sequences(Map<String, String> identityOptions) throws SQLException {
        List<Ddl> ownerships = new ArrayList<>();
        forEach("SELECT format('%I.%I', n.nspname, c.relname), c.relpersistence, format_type(s.seqtypid, NULL),"
                + " format('INCREMENT BY %s MINVALUE %s MAXVALUE %s START WITH %s CACHE %s %s', s.seqincrement,"
                + "   s.seqmin, s.seqmax, s.seqstart, s.seqcache, CASE WHEN s.seqcycle THEN 'CYCLE' ELSE 'NO CYCLE' END),"
                + " d.deptype, CASE WHEN d.deptype IS NOT NULL THEN format('%I.%I', tn.nspname, tc.relname) END,"
                + " quote_ident(a.attname)"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_sequence s ON s.seqrelid = c.oid"
                + " LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid"
                + "   AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')"
                + " LEFT JOIN pg_class tc ON tc.oid = d.refobjid LEFT JOIN pg_namespace tn ON tn.oid = tc.relnamespace"
                + " LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
                + " WHERE " + appSchemas.condition() + " AND c.relkind = 'S' ORDER BY 1", rs -> {
                    String name = rs.getString(1);
                    String deptype = rs.getString(5);
                    if ("i".equals(deptype)) {
                        identityOptions.put(rs.getString(6) + " " + rs.getString(7),
                                "SEQUENCE NAME " + name + " " + rs.getString(4));
                    } else {
                        String unlogged = "u".equals(rs.getString(2)) ? "UNLOGGED " : "";
                        before.add(new Ddl("sequence", name, "CREATE " + unlogged + "SEQUENCE " + name
                                + " AS " + rs.getString(3) + " " + rs.getString(4)));
                        if ("a".equals(deptype)) {
                            ownerships.add(new Ddl("sequence ownership", name,
                                    "ALTER SEQUENCE " + name + " OWNED BY " + rs.getString(6) + "." + rs.getString(7)));
                        }
                    }
                    after.add(sequenceValue(name));
                });
        return ownerships;
    }

    /**
     * Sequences are not transactional: this reads the value now, which is at least the value in
     * the backup's snapshot, so every id in the backed-up rows stays below it.
     */
    private Ddl sequenceValue(String sequence) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT format('SELECT pg_catalog.setval(%L, %s, %s)', "
                     + quoteLiteral(sequence) + ", last_value, is_called::text) FROM " + sequence)) {
            rs.next();
            return new Ddl("sequence value", sequence, rs.getString(1));
        }
    }

    private List<Table> tables(Map<String, String> identityOptions, List<Ddl> defaults) throws SQLException {
        Map<String, TableBuilder> tables = new LinkedHashMap<>();
        forEach("SELECT format('%I.%I', n.nspname, c.relname), c.relpersistence, array_to_string(c.reloptions, ', '),"
                + " quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), a.attnotnull,"
                + " pg_get_expr(ad.adbin, ad.adrelid), a.attidentity, a.attgenerated,"
                + " CASE WHEN a.attcollation <> t.typcollation THEN format('%I.%I', cn.nspname, co.collname) END"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
                + " LEFT JOIN pg_type t ON t.oid = a.atttypid"
                + " LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum"
                + " LEFT JOIN pg_collation co ON co.oid = a.attcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace"
                + " WHERE " + appSchemas.condition() + " AND c.relkind = 'r' ORDER BY 1, a.attnum", rs -> {
                    String table = rs.getString(1);
                    TableBuilder builder = tables.get(table);
                    if (builder == null) {
                        builder = new TableBuilder(table, "u".equals(rs.getString(2)), rs.getString(3));
                        tables.put(table, builder);
                    }
                    String column = rs.getString(4);
                    if (column == null) {
                        return;
                    }
                    StringBuilder sql = new StringBuilder(column).append(' ').append(rs.getString(5));
                    if (rs.getString(10) != null) {
                        sql.append(" COLLATE ").append(rs.getString(10));
                    }
                    String expression = rs.getString(7);
                    String identity = rs.getString(8);
                    if ("s".equals(rs.getString(9))) {
                        sql.append(" GENERATED ALWAYS AS (").append(expression).append(") STORED");
                    } else {
                        builder.stored.add(column);
                        if (!identity.isEmpty()) {
                            sql.append(" GENERATED ").append("a".equals(identity) ? "ALWAYS" : "BY DEFAULT")
                                    .append(" AS IDENTITY (").append(identityOptions.get(table + " " + column)).append(')');
                        } else if (expression != null) {
                            defaults.add(new Ddl("column default", table + "." + column,
                                    "ALTER TABLE " + table + " ALTER COLUMN " + column + " SET DEFAULT " + expression));
                        }
                    }
                    if (rs.getBoolean(6)) {
                        sql.append(" NOT NULL");
                    }
                    builder.columns.add(sql.toString());
                });
        List<Table> result = new ArrayList<>();
        for (TableBuilder table : tables.values()) {
            before.add(new Ddl("table", table.name, table.createStatement()));
            result.add(new Table(table.name, List.copyOf(table.stored)));
        }
        return result;
    }

    /**
     * Functions and views, each after what it uses as PostgreSQL recorded it in {@code pg_depend}:
     * a view may select from views and call functions, and a function may take or return a view's
     * row type, or (with a SQL-standard body) use views and functions. Bodies in other languages
     * are not checked on creation, so their dependencies do not matter.
     */
    private void functionsAndViews() throws SQLException {
        Map<String, Ddl> objects = new LinkedHashMap<>();
        forEach("SELECT 'function ' || p.oid, format('%I.%I(%s)', n.nspname, p.proname,"
                + " pg_get_function_identity_arguments(p.oid)), pg_get_functiondef(p.oid)"
                + " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                + " WHERE " + appSchemas.condition() + " AND p.prokind IN ('f', 'p') ORDER BY p.oid",
                rs -> objects.put(rs.getString(1), new Ddl("function", rs.getString(2), rs.getString(3))));
        forEach("SELECT 'view ' || c.oid, format('%I.%I', n.nspname, c.relname), pg_get_viewdef(c.oid),"
                + " array_to_string(c.reloptions, ', ')" + appRelation + " AND c.relkind = 'v' ORDER BY 2", rs -> {
                    String name = rs.getString(2);
                    String options = rs.getString(4);
                    objects.put(rs.getString(1), new Ddl("view", name, "CREATE VIEW " + name
                            + (options == null || options.isEmpty() ? "" : " WITH (" + options + ")")
                            + " AS " + rs.getString(3)));
                });
        // (dependent, dependency) pairs among functions and views; a type stands for the view
        // whose row type it is, or whose row type it is an array of.
        Map<String, Set<String>> uses = new HashMap<>();
        forEach("SELECT CASE WHEN d.classid = 'pg_proc'::regclass THEN 'function ' || d.objid"
                + "   ELSE 'view ' || r.ev_class END,"
                + " CASE WHEN d.refclassid = 'pg_proc'::regclass THEN 'function ' || d.refobjid"
                + "   WHEN d.refclassid = 'pg_class'::regclass THEN 'view ' || d.refobjid"
                + "   ELSE 'view ' || CASE WHEN t.typrelid <> 0 THEN t.typrelid ELSE e.typrelid END END"
                + " FROM pg_depend d"
                + " LEFT JOIN pg_rewrite r ON d.classid = 'pg_rewrite'::regclass AND r.oid = d.objid"
                + " LEFT JOIN pg_type t ON d.refclassid = 'pg_type'::regclass AND t.oid = d.refobjid"
                + " LEFT JOIN pg_type e ON e.oid = t.typelem"
                + " WHERE d.classid IN ('pg_proc'::regclass, 'pg_rewrite'::regclass)"
                + " AND d.refclassid IN ('pg_proc'::regclass, 'pg_class'::regclass, 'pg_type'::regclass)",
                rs -> uses.computeIfAbsent(rs.getString(1), k -> new LinkedHashSet<>()).add(rs.getString(2)));
        Set<String> done = new HashSet<>();
        for (String object : objects.keySet()) {
            addAfterWhatItUses(object, objects, uses, done);
        }
    }

    /** Depth first: what {@code object} uses, then itself. {@code done} also breaks cycles. */
    private void addAfterWhatItUses(String object, Map<String, Ddl> objects, Map<String, Set<String>> uses,
                                    Set<String> done) {
        if (!objects.containsKey(object) || !done.add(object)) {
            return;
        }
        for (String used : uses.getOrDefault(object, Set.of())) {
            addAfterWhatItUses(used, objects, uses, done);
        }
        before.add(objects.get(object));
    }

    /**
     * Constraints and indexes after the data, foreign keys last: they need the referenced keys'
     * indexes, which may be plain unique indexes. Then triggers, which must not fire on the load.
     */
    private void afterData() throws SQLException {
        List<Ddl> foreignKeys = new ArrayList<>();
        forEach("SELECT format('%I.%I', n.nspname, c.relname), quote_ident(con.conname), con.contype,"
                + " pg_get_constraintdef(con.oid) FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + appSchemas.condition()
                + " AND con.contype IN ('p', 'u', 'x', 'c', 'f') ORDER BY position(con.contype IN 'puxcf'), 1, 2", rs -> {
                    String table = rs.getString(1);
                    boolean foreignKey = "f".equals(rs.getString(3));
                    Ddl ddl = new Ddl(foreignKey ? "foreign key" : "constraint", table + "." + rs.getString(2),
                            "ALTER TABLE ONLY " + table + " ADD CONSTRAINT " + rs.getString(2) + " " + rs.getString(4));
                    (foreignKey ? foreignKeys : after).add(ddl);
                });
        query("index", "SELECT format('%I.%I', n.nspname, ic.relname), pg_get_indexdef(i.indexrelid) FROM pg_index i"
                + " JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace"
                + " WHERE " + appSchemas.condition() + " AND NOT EXISTS (SELECT 1 FROM pg_constraint con"
                + "   WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x')) ORDER BY 1", after);
        after.addAll(foreignKeys);
        forEach("SELECT format('%I on %I.%I', t.tgname, n.nspname, c.relname), pg_get_triggerdef(t.oid), t.tgenabled,"
                + " format('%I.%I', n.nspname, c.relname), quote_ident(t.tgname) FROM pg_trigger t"
                + " JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE " + appSchemas.condition() + " AND NOT t.tgisinternal ORDER BY 1", rs -> {
                    after.add(new Ddl("trigger", rs.getString(1), rs.getString(2)));
                    String state = switch (rs.getString(3)) {
                        case "D" -> "DISABLE";
                        case "R" -> "ENABLE REPLICA";
                        case "A" -> "ENABLE ALWAYS";
                        default -> null;
                    };
                    if (state != null) {
                        after.add(new Ddl("trigger state", rs.getString(1),
                                "ALTER TABLE " + rs.getString(4) + " " + state + " TRIGGER " + rs.getString(5)));
                    }
                });
    }

    /**
     * Comments, last: on schemas, types, tables, views, sequences, columns, indexes, constraints,
     * triggers and functions ({@link UnsupportedObjects} refuses comments on anything else).
     * {@code pg_identify_object} names each object as its {@code COMMENT ON} statement does.
     */
    private void comments() throws SQLException {
        forEach(Comments.query(appSchemas) + " ORDER BY 1, 2", rs -> {
            String target = Comments.target(rs.getString(1), rs.getString(2));
            after.add(new Ddl("comment", target, "COMMENT ON " + target + " IS " + quoteLiteral(rs.getString(3))));
        });
    }

    /** Adds a statement per row of (name, sql). */
    private void query(String kind, String sql, List<Ddl> into) throws SQLException {
        forEach(sql, rs -> into.add(new Ddl(kind, rs.getString(1), rs.getString(2))));
    }

    private interface RowAction {
        void accept(ResultSet rs) throws SQLException;
    }

    private void forEach(String sql, RowAction action) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                action.accept(rs);
            }
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static String quoteLiteral(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    private static final class TableBuilder {
        final String name;
        final boolean unlogged;
        final String options;
        final List<String> columns = new ArrayList<>();
        final List<String> stored = new ArrayList<>();

        TableBuilder(String name, boolean unlogged, String options) {
            this.name = name;
            this.unlogged = unlogged;
            this.options = options;
        }

        String createStatement() {
            return "CREATE " + (unlogged ? "UNLOGGED " : "") + "TABLE " + name + " (" + String.join(", ", columns) + ")"
                    + (options == null || options.isEmpty() ? "" : " WITH (" + options + ")");
        }
    }
}
