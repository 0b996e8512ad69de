package dev.pitstop.backup.schema;

import java.util.Map;

/**
 * Which comments a backup carries, and the {@code COMMENT ON} target of each, from the object type
 * and identity {@code pg_identify_object} gives a {@code pg_description} row.
 */
final class Comments {

    /**
     * The application's comments: rows of {@code pg_description d} with their object's type and
     * identity {@code o}. Triggers and rules have no schema of their own; the first of their
     * address's names is their table's.
     */
    static String query(AppSchemas appSchemas) {
        return "SELECT o.type, o.identity, d.description FROM pg_description d,"
                + " pg_identify_object(d.classoid, d.objoid, d.objsubid) o,"
                + " pg_identify_object_as_address(d.classoid, d.objoid, d.objsubid) a"
                + " WHERE coalesce(o.schema, a.object_names[1]) IN (SELECT n.nspname FROM pg_namespace n WHERE "
                + appSchemas.condition() + ")";
    }

    /** {@code COMMENT ON} keywords by {@code pg_identify_object} type, for every kind carried. */
    private static final Map<String, String> KEYWORDS = Map.ofEntries(
            Map.entry("schema", "SCHEMA"),
            Map.entry("type", "TYPE"),
            Map.entry("table", "TABLE"),
            Map.entry("view", "VIEW"),
            Map.entry("sequence", "SEQUENCE"),
            Map.entry("index", "INDEX"),
            Map.entry("table column", "COLUMN"),
            Map.entry("view column", "COLUMN"),
            Map.entry("table constraint", "CONSTRAINT"),
            Map.entry("trigger", "TRIGGER"),
            Map.entry("function", "FUNCTION"),
            Map.entry("procedure", "PROCEDURE"));

    /** A condition on {@code o} in {@link #query}: a comment of a kind not carried. */
    static final String NOT_CARRIED = "o.type NOT IN ('" + String.join("', '", KEYWORDS.keySet()) + "')";

    private Comments() {
    }

    /**
     * What follows {@code COMMENT ON}, like {@code COLUMN app.items.name} or
     * {@code CONSTRAINT price_check ON app.items}: the identity's "on" is the statement's.
     */
    static String target(String type, String identity) {
        return KEYWORDS.get(type) + " " + identity;
    }
}
