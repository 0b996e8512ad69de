package dev.pitstop.backup.schema;

import java.sql.SQLException;
import java.util.Map;

/**
 * Comments and security labels on the application's objects, each after its object.
 * {@code pg_identify_object} names an object as {@code COMMENT ON} and {@code SECURITY LABEL}
 * name it, once its type is turned into their keywords.
 */
final class Comments {

    /** Rows of {@code pg_description d} or {@code pg_seclabel d}: the object's address, type and identity. */
    private static final String QUERY = "SELECT d.classoid::text || ':' || d.objoid, o.type, o.identity, %s"
            + " FROM %s d, pg_identify_object(d.classoid, d.objoid, d.objsubid) o,"
            + " pg_identify_object_as_address(d.classoid, d.objoid, d.objsubid) a"
            + " WHERE coalesce(o.schema, a.object_names[1]) IN (SELECT n.nspname FROM pg_namespace n WHERE "
            + Catalog.IN_APP + ") ORDER BY 2, 3";

    /** Keywords by {@code pg_identify_object} type where the type's own words are not the keyword. */
    private static final Map<String, String> KEYWORDS = Map.ofEntries(
            Map.entry("table column", "COLUMN"),
            Map.entry("view column", "COLUMN"),
            Map.entry("materialized view column", "COLUMN"),
            Map.entry("composite type column", "COLUMN"),
            Map.entry("composite type", "TYPE"),
            Map.entry("table constraint", "CONSTRAINT"),
            Map.entry("domain constraint", "CONSTRAINT"),
            Map.entry("statistics object", "STATISTICS"));

    private Comments() {
    }

    static void read(Catalog catalog, Reading reading) throws SQLException {
        catalog.each(String.format(QUERY, "d.description", "pg_description"), rs -> add(reading, rs.getString(1),
                Kind.COMMENT, rs.getString(2), rs.getString(3), "COMMENT ON %s IS " + Catalog.literal(rs.getString(4))));
        catalog.each(String.format(QUERY, "d.label, d.provider", "pg_seclabel"), rs -> add(reading, rs.getString(1),
                Kind.SECURITY_LABEL, rs.getString(2), rs.getString(3), "SECURITY LABEL FOR " + rs.getString(5)
                        + " ON %s IS " + Catalog.literal(rs.getString(4))));
    }

    /** Only on what the backup makes: an extension's members get theirs from the extension. */
    private static void add(Reading reading, String address, Kind kind, String type, String identity, String sql) {
        String maker = reading.maker(address);
        if (maker == null || reading.get(maker).kind == Kind.EXTENSION && !type.equals("extension")) {
            return;
        }
        String target = target(type, identity);
        reading.add(address + "/" + kind.label + "/" + target, kind, target, String.format(sql, target)).after(maker);
    }

    /**
     * What follows {@code COMMENT ON}, like {@code COLUMN app.items.name} or
     * {@code CONSTRAINT price_check ON app.items}: the identity's "on" is the statement's.
     */
    static String target(String type, String identity) {
        String keyword = KEYWORDS.getOrDefault(type, type.toUpperCase());
        if (type.equals("domain constraint")) {
            identity = identity.replaceFirst(" on ", " ON DOMAIN ");
        }
        return keyword + " " + identity;
    }
}
