package dev.pitstop.backup.schema;

import static dev.pitstop.backup.schema.Catalog.IN_APP;
import static dev.pitstop.backup.schema.Catalog.address;
import static dev.pitstop.backup.schema.Catalog.notInExtension;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Extensions (as {@code CREATE EXTENSION}, never their members), collations and types: enums,
 * composite types, range types with their multiranges, and domains with their constraints. A
 * relation's row type and an array type are made with what they belong to.
 */
final class Types {

    private static final String TYPE = " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE " + IN_APP
            + " AND " + notInExtension("pg_type", "t.oid");

    private final Catalog catalog;
    private final Reading reading;

    private Types(Catalog catalog, Reading reading) {
        this.catalog = catalog;
        this.reading = reading;
    }

    static void read(Catalog catalog, Reading reading) throws SQLException {
        Types types = new Types(catalog, reading);
        types.extensions();
        types.collations();
        types.enums();
        types.composites();
        types.ranges();
        types.domains();
        types.implicitTypes();
    }

    /**
     * Extensions in the application schemas; their member objects are the extension's: whatever
     * depends on one depends on the extension.
     */
    private void extensions() throws SQLException {
        catalog.each("SELECT " + address("pg_extension", "e.oid") + ", quote_ident(e.extname), quote_ident(n.nspname),"
                + " e.extversion FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE " + IN_APP
                + " ORDER BY e.extname", rs -> reading.add(rs.getString(1), Kind.EXTENSION, rs.getString(2),
                        "CREATE EXTENSION " + rs.getString(2) + " WITH SCHEMA " + rs.getString(3) + " VERSION "
                                + Catalog.literal(rs.getString(4))).after(schemaOf(rs.getString(3))));
        catalog.each("SELECT x.classid::text || ':' || x.objid, " + address("pg_extension", "e.oid")
                + " FROM pg_depend x JOIN pg_extension e ON e.oid = x.refobjid JOIN pg_namespace n ON n.oid = e.extnamespace"
                + " WHERE x.refclassid = 'pg_extension'::regclass AND x.deptype = 'e' AND " + IN_APP,
                rs -> reading.madeBy(rs.getString(1), rs.getString(2)));
    }

    private String schemaOf(String quotedSchema) {
        return reading.objects.stream().filter(o -> o.kind == Kind.SCHEMA && o.name.equals(quotedSchema))
                .map(o -> o.key).findFirst().orElse(null);
    }

    private void collations() throws SQLException {
        catalog.each("SELECT " + address("pg_collation", "co.oid") + ", format('%I.%I', n.nspname, co.collname),"
                + " co.collprovider, co.collisdeterministic, co.collcollate, co.collctype, co.colliculocale"
                + " FROM pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace WHERE " + IN_APP
                + " AND " + notInExtension("pg_collation", "co.oid") + " ORDER BY 2", rs -> {
                    List<String> options = new ArrayList<>();
                    if ("i".equals(rs.getString(3))) {
                        options.add("provider = icu");
                        options.add("locale = " + Catalog.literal(rs.getString(7)));
                    } else {
                        options.add("provider = libc");
                        options.add("lc_collate = " + Catalog.literal(rs.getString(5)));
                        options.add("lc_ctype = " + Catalog.literal(rs.getString(6)));
                    }
                    if (!rs.getBoolean(4)) {
                        options.add("deterministic = false");
                    }
                    reading.add(rs.getString(1), Kind.COLLATION, rs.getString(2),
                            "CREATE COLLATION " + rs.getString(2) + " (" + String.join(", ", options) + ")");
                });
    }

    private void enums() throws SQLException {
        catalog.each("SELECT " + address("pg_type", "t.oid") + ", format('%I.%I', n.nspname, t.typname),"
                + " (SELECT coalesce(string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder), '')"
                + "   FROM pg_enum e WHERE e.enumtypid = t.oid)" + TYPE + " AND t.typtype = 'e' ORDER BY 2",
                rs -> reading.add(rs.getString(1), Kind.ENUM, rs.getString(2),
                        "CREATE TYPE " + rs.getString(2) + " AS ENUM (" + rs.getString(3) + ")"));
    }

    private void composites() throws SQLException {
        Map<String, List<String>> attributes = new LinkedHashMap<>();
        Map<String, String> names = new LinkedHashMap<>();
        catalog.each("SELECT " + address("pg_type", "t.oid") + ", format('%I.%I', n.nspname, t.typname),"
                + " quote_ident(a.attname), format_type(a.atttypid, a.atttypmod),"
                + " CASE WHEN a.attcollation <> at.typcollation THEN format('%I.%I', cn.nspname, co.collname) END,"
                + " " + address("pg_class", "t.typrelid")
                + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_class c ON c.oid = t.typrelid"
                + " LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
                + " LEFT JOIN pg_type at ON at.oid = a.atttypid"
                + " LEFT JOIN pg_collation co ON co.oid = a.attcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace"
                + " WHERE " + IN_APP + " AND c.relkind = 'c' AND " + notInExtension("pg_type", "t.oid")
                + " ORDER BY 2, a.attnum", rs -> {
                    names.put(rs.getString(1), rs.getString(2));
                    reading.madeBy(rs.getString(6), rs.getString(1));
                    List<String> list = attributes.computeIfAbsent(rs.getString(1), k -> new ArrayList<>());
                    if (rs.getString(3) != null) {
                        list.add(rs.getString(3) + " " + rs.getString(4)
                                + (rs.getString(5) == null ? "" : " COLLATE " + rs.getString(5)));
                    }
                });
        for (Map.Entry<String, String> type : names.entrySet()) {
            reading.add(type.getKey(), Kind.TYPE, type.getValue(), "CREATE TYPE " + type.getValue() + " AS ("
                    + String.join(", ", attributes.get(type.getKey())) + ")");
        }
    }

    private void ranges() throws SQLException {
        catalog.each("SELECT " + address("pg_type", "t.oid") + ", format('%I.%I', n.nspname, t.typname),"
                + " format_type(r.rngsubtype, NULL), format('%I.%I', on_.nspname, oc.opcname),"
                + " CASE WHEN r.rngcollation <> 0 THEN (SELECT format('%I.%I', cn.nspname, co.collname) FROM pg_collation co"
                + "   JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = r.rngcollation) END,"
                + " CASE WHEN r.rngsubdiff <> 0 THEN r.rngsubdiff::regproc::text END,"
                + " (SELECT format('%I.%I', mn.nspname, m.typname) FROM pg_type m JOIN pg_namespace mn ON mn.oid = m.typnamespace"
                + "   WHERE m.oid = r.rngmultitypid), " + address("pg_type", "r.rngmultitypid")
                + " FROM pg_range r JOIN pg_type t ON t.oid = r.rngtypid JOIN pg_namespace n ON n.oid = t.typnamespace"
                + " JOIN pg_opclass oc ON oc.oid = r.rngsubopc JOIN pg_namespace on_ ON on_.oid = oc.opcnamespace"
                + " WHERE " + IN_APP + " AND " + notInExtension("pg_type", "t.oid") + " ORDER BY 2", rs -> {
                    List<String> options = new ArrayList<>();
                    options.add("subtype = " + rs.getString(3));
                    options.add("subtype_opclass = " + rs.getString(4));
                    if (rs.getString(5) != null) {
                        options.add("collation = " + rs.getString(5));
                    }
                    if (rs.getString(6) != null) {
                        options.add("subtype_diff = " + rs.getString(6));
                    }
                    options.add("multirange_type_name = " + rs.getString(7));
                    reading.add(rs.getString(1), Kind.TYPE, rs.getString(2),
                            "CREATE TYPE " + rs.getString(2) + " AS RANGE (" + String.join(", ", options) + ")");
                    reading.madeBy(rs.getString(8), rs.getString(1));
                });
    }

    /**
     * Domains with their default, NOT NULL and checks; a check not yet validated is added after
     * the data, which may break it.
     */
    private void domains() throws SQLException {
        Map<String, StringBuilder> domains = new LinkedHashMap<>();
        Map<String, String> names = new LinkedHashMap<>();
        catalog.each("SELECT " + address("pg_type", "t.oid") + ", format('%I.%I', n.nspname, t.typname),"
                + " format_type(t.typbasetype, t.typtypmod),"
                + " CASE WHEN t.typcollation <> bt.typcollation THEN format('%I.%I', cn.nspname, co.collname) END,"
                + " t.typdefault, t.typnotnull" + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
                + " JOIN pg_type bt ON bt.oid = t.typbasetype"
                + " LEFT JOIN pg_collation co ON co.oid = t.typcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace"
                + " WHERE " + IN_APP + " AND t.typtype = 'd' AND " + notInExtension("pg_type", "t.oid") + " ORDER BY 2", rs -> {
                    StringBuilder sql = new StringBuilder("CREATE DOMAIN ").append(rs.getString(2)).append(" AS ")
                            .append(rs.getString(3));
                    if (rs.getString(4) != null) {
                        sql.append(" COLLATE ").append(rs.getString(4));
                    }
                    if (rs.getString(5) != null) {
                        sql.append(" DEFAULT ").append(rs.getString(5));
                    }
                    if (rs.getBoolean(6)) {
                        sql.append(" NOT NULL");
                    }
                    domains.put(rs.getString(1), sql);
                    names.put(rs.getString(1), rs.getString(2));
                });
        catalog.each("SELECT " + address("pg_constraint", "con.oid") + ", " + address("pg_type", "con.contypid")
                + ", quote_ident(con.conname), pg_get_constraintdef(con.oid), con.convalidated FROM pg_constraint con"
                + " WHERE con.contypid <> 0 AND con.contype = 'c' ORDER BY con.conname", rs -> {
                    StringBuilder domain = domains.get(rs.getString(2));
                    if (domain == null) {
                        return;
                    }
                    if (rs.getBoolean(5)) {
                        domain.append(" CONSTRAINT ").append(rs.getString(3)).append(' ').append(rs.getString(4));
                        reading.madeBy(rs.getString(1), rs.getString(2));
                    } else {
                        reading.add(rs.getString(1), Kind.CONSTRAINT, names.get(rs.getString(2)) + "." + rs.getString(3),
                                "ALTER DOMAIN " + names.get(rs.getString(2)) + " ADD CONSTRAINT " + rs.getString(3) + " "
                                        + rs.getString(4)).after(rs.getString(2));
                    }
                });
        for (Map.Entry<String, StringBuilder> domain : domains.entrySet()) {
            reading.add(domain.getKey(), Kind.DOMAIN, names.get(domain.getKey()), domain.getValue().toString());
        }
    }

    /** Row types are made with their relations, array types with their element types. */
    private void implicitTypes() throws SQLException {
        catalog.each("SELECT " + address("pg_type", "t.oid") + ", CASE WHEN t.typrelid <> 0 THEN "
                + address("pg_class", "t.typrelid") + " ELSE " + address("pg_type", "t.typelem") + " END" + TYPE
                + " AND (t.typrelid <> 0 OR (t.typelem <> 0 AND t.typlen = -1))",
                rs -> {
                    if (reading.maker(rs.getString(1)) == null) {
                        reading.madeBy(rs.getString(1), rs.getString(2));
                    }
                });
    }
}
