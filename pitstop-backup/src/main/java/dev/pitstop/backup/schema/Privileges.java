package dev.pitstop.backup.schema;

import static dev.pitstop.backup.schema.Catalog.IN_APP;
import static dev.pitstop.backup.schema.Catalog.address;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Owners and privileges, carried by role name, as pg_dump carries them: an object whose access list
 * is the default (null) gets only its owner; any other gets its whole list again — everything
 * revoked, then each grant in the list's order, made by its grantor. Column grants and the default
 * privileges set in an application schema come too.
 */
final class Privileges {

    /**
     * Every object that has an owner: address, {@code pg_identify_object} type and identity, owner,
     * and its access list as {@code grantor,grantee,privilege,grantable} entries joined by chr(1).
     */
    private static final String OBJECTS = String.join("\nUNION ALL\n",
            owned("pg_namespace", "n.oid", "n.nspowner", "n.nspacl", "pg_namespace n", "TRUE"),
            owned("pg_class", "c.oid", "c.relowner", "c.relacl",
                    "pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace", "c.relkind IN ('r', 'p', 'v', 'm', 'S')"),
            owned("pg_type", "t.oid", "t.typowner", "t.typacl",
                    "pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace",
                    "(t.typtype IN ('e', 'r', 'd') OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))"),
            owned("pg_proc", "p.oid", "p.proowner", "p.proacl", "pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace", "TRUE"),
            owned("pg_operator", "o.oid", "o.oprowner", "NULL::aclitem[]",
                    "pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace", "TRUE"),
            owned("pg_collation", "co.oid", "co.collowner", "NULL::aclitem[]",
                    "pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace", "TRUE"),
            owned("pg_statistic_ext", "s.oid", "s.stxowner", "NULL::aclitem[]",
                    "pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace", "TRUE"));

    private final Catalog catalog;
    private final Reading reading;

    private Privileges(Catalog catalog, Reading reading) {
        this.catalog = catalog;
        this.reading = reading;
    }

    static void read(Catalog catalog, Reading reading) throws SQLException {
        Privileges privileges = new Privileges(catalog, reading);
        privileges.objects();
        privileges.columns();
        privileges.eventTriggerOwners();
        privileges.defaults();
    }

    private static String owned(String catalog, String oid, String owner, String acl, String from, String where) {
        return "SELECT " + address(catalog, oid) + ", ident.type, ident.identity, pg_get_userbyid(" + owner + "), " + entries(acl)
                + ", " + (catalog.equals("pg_type") ? "t.typtype" : "NULL::\"char\"") + ", quote_ident(pg_get_userbyid(" + owner
                + ")) FROM " + from
                + ", pg_identify_object('" + catalog + "'::regclass, " + oid + ", 0) ident WHERE " + IN_APP + " AND " + where;
    }

    private static String entries(String acl) {
        return "(SELECT string_agg(concat_ws(chr(2), quote_ident(pg_get_userbyid(a.grantor)), CASE WHEN a.grantee = 0 THEN 'PUBLIC'"
                + " ELSE quote_ident(pg_get_userbyid(a.grantee)) END, a.privilege_type, a.is_grantable), chr(1) ORDER BY x.n)"
                + " FROM unnest(" + acl + ") WITH ORDINALITY x(item, n), aclexplode(ARRAY[x.item]) a)";
    }

    private void objects() throws SQLException {
        catalog.each(OBJECTS, rs -> {
            String key = rs.getString(1);
            SchemaObject object = reading.get(key);
            if (object == null) {
                return;
            }
            String type = rs.getString(2);
            String identity = rs.getString(3);
            String owner = rs.getString(7);
            boolean domain = "d".equals(rs.getString(6));
            reading.add(key + "/owner", Kind.OWNER, type + " " + identity, "ALTER " + alterKeyword(type, domain) + " "
                    + identity + " OWNER TO " + owner, List.of(rs.getString(4))).after(key);
            String acl = rs.getString(5);
            if (acl != null) {
                String target = grantKeyword(type) + " " + identity;
                List<String> sql = new ArrayList<>();
                sql.add("REVOKE ALL ON " + target + " FROM PUBLIC");
                sql.add("REVOKE ALL ON " + target + " FROM " + owner);
                Set<String> roles = new LinkedHashSet<>(List.of(rs.getString(4)));
                grants(acl, "", target, owner, sql, roles);
                reading.add(key + "/privileges", Kind.PRIVILEGES, type + " " + identity, String.join("; ", sql),
                        List.copyOf(roles)).after(key + "/owner");
            }
        });
    }

    /** Columns' own grants, which come on top of their table's. */
    private void columns() throws SQLException {
        catalog.each("SELECT " + address("pg_class", "c.oid") + ", format('%I.%I', n.nspname, c.relname), quote_ident(a.attname),"
                + " quote_ident(pg_get_userbyid(c.relowner)), " + entries("a.attacl") + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + IN_APP + " AND a.attacl IS NOT NULL"
                + " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 2, a.attnum", rs -> {
                    String key = rs.getString(1);
                    if (reading.get(key) == null || rs.getString(5) == null) {
                        return;
                    }
                    List<String> sql = new ArrayList<>();
                    Set<String> roles = new LinkedHashSet<>();
                    grants(rs.getString(5), " (" + rs.getString(3) + ")", "TABLE " + rs.getString(2), rs.getString(4), sql, roles);
                    reading.add(key + "/" + rs.getString(3) + "/privileges", Kind.PRIVILEGES, rs.getString(2) + "."
                            + rs.getString(3), String.join("; ", sql), List.copyOf(roles)).after(key + "/privileges")
                            .after(key + "/owner");
                });
    }

    private void eventTriggerOwners() throws SQLException {
        catalog.each("SELECT " + address("pg_event_trigger", "e.oid") + ", quote_ident(e.evtname), pg_get_userbyid(e.evtowner),"
                + " quote_ident(pg_get_userbyid(e.evtowner))"
                + " FROM pg_event_trigger e", rs -> {
                    if (reading.get(rs.getString(1)) != null) {
                        reading.add(rs.getString(1) + "/owner", Kind.OWNER, "event trigger " + rs.getString(2),
                                "ALTER EVENT TRIGGER " + rs.getString(2) + " OWNER TO " + rs.getString(4),
                                List.of(rs.getString(3))).after(rs.getString(1));
                    }
                });
    }

    /** Default privileges set for an application schema: additions to the database's, so grants only. */
    private void defaults() throws SQLException {
        catalog.each("SELECT " + address("pg_default_acl", "d.oid") + ", pg_get_userbyid(d.defaclrole), quote_ident(n.nspname),"
                + " CASE d.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' WHEN 'f' THEN 'FUNCTIONS'"
                + "   WHEN 'T' THEN 'TYPES' ELSE 'SCHEMAS' END, " + entries("d.defaclacl") + ", " + address("pg_namespace", "n.oid")
                + ", quote_ident(pg_get_userbyid(d.defaclrole))"
                + " FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace WHERE " + IN_APP + " ORDER BY 2, 3, 4",
                rs -> {
                    if (rs.getString(5) == null) {
                        return;
                    }
                    String prefix = "ALTER DEFAULT PRIVILEGES FOR ROLE " + rs.getString(7) + " IN SCHEMA "
                            + rs.getString(3) + " ";
                    List<String> sql = new ArrayList<>();
                    Set<String> roles = new LinkedHashSet<>(List.of(rs.getString(2)));
                    for (Grant grant : Grant.parse(rs.getString(5))) {
                        sql.add(prefix + "GRANT " + String.join(", ", grant.privileges) + " ON " + rs.getString(4) + " TO "
                                + grant.grantee + (grant.grantable ? " WITH GRANT OPTION" : ""));
                        grant.roles(roles);
                    }
                    reading.add(rs.getString(1), Kind.DEFAULT_PRIVILEGES, "for role " + rs.getString(2) + " in schema "
                            + rs.getString(3) + " on " + rs.getString(4).toLowerCase(), String.join("; ", sql),
                            List.copyOf(roles)).after(rs.getString(6));
                });
    }

    /**
     * Grants of {@code acl}'s entries on {@code target}, each as its grantor when that is not the
     * owner ({@code owner} quoted, as the entries' roles are).
     */
    private static void grants(String acl, String columns, String target, String owner, List<String> sql, Set<String> roles) {
        for (Grant grant : Grant.parse(acl)) {
            String privileges = String.join(columns + ", ", grant.privileges) + columns;
            String statement = "GRANT " + privileges + " ON " + target + " TO " + grant.grantee
                    + (grant.grantable ? " WITH GRANT OPTION" : "");
            if (grant.grantor.equals(owner)) {
                sql.add(statement);
            } else {
                sql.add("SET ROLE " + grant.grantor + "; " + statement + "; RESET ROLE");
            }
            grant.roles(roles);
        }
    }

    /** The entries of one (grantor, grantee, grantable) triple, in the order the list has them. */
    private record Grant(String grantor, String grantee, boolean grantable, List<String> privileges) {

        static List<Grant> parse(String entries) {
            Map<String, Grant> grants = new LinkedHashMap<>();
            for (String entry : entries.split("\u0001")) {
                String[] part = entry.split("\u0002");
                boolean grantable = "t".equals(part[3]) || "true".equals(part[3]);
                grants.computeIfAbsent(part[0] + " " + part[1] + " " + grantable,
                        k -> new Grant(part[0], part[1], grantable, new ArrayList<>())).privileges.add(part[2]);
            }
            return List.copyOf(grants.values());
        }

        void roles(Set<String> into) {
            into.add(unquote(grantor));
            if (!grantee.equals("PUBLIC")) {
                into.add(unquote(grantee));
            }
        }
    }

    private static String alterKeyword(String type, boolean domain) {
        return switch (type) {
            case "composite type" -> "TYPE";
            case "type" -> domain ? "DOMAIN" : "TYPE";
            case "statistics object" -> "STATISTICS";
            default -> type.toUpperCase();
        };
    }

    private static String grantKeyword(String type) {
        return switch (type) {
            case "view", "materialized view" -> "TABLE";
            case "composite type" -> "TYPE";
            case "aggregate" -> "FUNCTION";
            default -> type.toUpperCase();
        };
    }

    private static String unquote(String quoted) {
        return quoted.startsWith("\"") ? quoted.substring(1, quoted.length() - 1).replace("\"\"", "\"") : quoted;
    }
}
