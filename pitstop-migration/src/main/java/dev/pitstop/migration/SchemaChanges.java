package dev.pitstop.migration;

import dev.pitstop.backup.schema.Definitions;
import dev.pitstop.backup.schema.Definitions.Ddl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The statements that bring the target's schema to the migration's, and what they cannot. A
 * migration <em>adds</em>: objects the target lacks are created, columns it lacks are added, and a
 * column default is set to the source's; nothing of the target is dropped or altered otherwise,
 * since its user data lives there. An object of the same name that differs is a conflict, which
 * refuses the migration: the operator decides which side is right.
 *
 * @param statements in the order they run
 * @param conflicts  one line each, naming the object and both definitions
 */
record SchemaChanges(List<Ddl> statements, List<String> conflicts) {

    private static final String SET_DEFAULT = " SET DEFAULT ";

    static SchemaChanges between(Definitions migration, Definitions target) {
        Map<String, Ddl> existing = new HashMap<>();
        for (Ddl ddl : DefinitionOwners.all(target)) {
            existing.put(key(ddl), ddl);
        }
        Map<String, Ddl> defaults = new HashMap<>();
        for (Ddl ddl : migration.beforeData()) {
            if (ddl.kind().equals("column default")) {
                defaults.put(ddl.object(), ddl);
            }
        }
        List<Ddl> statements = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        Set<String> defaultsAdded = new HashSet<>();
        for (Ddl ddl : DefinitionOwners.all(migration)) {
            Ddl there = existing.get(key(ddl));
            if (there == null) {
                if (!defaultsAdded.contains(ddl.object()) || !ddl.kind().equals("column default")) {
                    statements.add(ddl);
                }
            } else if (ddl.kind().equals("table")) {
                addColumns(ddl, there, defaults, defaultsAdded, statements, conflicts);
            } else if (!there.sql().equals(ddl.sql())) {
                if (ddl.kind().equals("column default")) {
                    statements.add(ddl);
                } else {
                    conflicts.add(ddl.kind() + " " + ddl.object() + " differs: the migration has \"" + ddl.sql()
                            + "\" and the target \"" + there.sql() + "\"; a migration does not change existing objects: "
                            + "make them equal on one side first");
                }
            }
        }
        return new SchemaChanges(List.copyOf(statements), List.copyOf(conflicts));
    }

    /**
     * Adds the columns the target's table lacks, each with the source's default if it has one, so
     * that a NOT NULL column gets a value in the target's rows.
     */
    private static void addColumns(Ddl table, Ddl there, Map<String, Ddl> defaults, Set<String> defaultsAdded,
                                   List<Ddl> statements, List<String> conflicts) {
        Map<String, String> theirs = columns(there.sql());
        for (Map.Entry<String, String> column : columns(table.sql()).entrySet()) {
            String object = table.object() + "." + column.getKey();
            String targetDefinition = theirs.get(column.getKey());
            if (targetDefinition == null) {
                Ddl defaultDdl = defaults.get(object);
                String sql = "ALTER TABLE " + table.object() + " ADD COLUMN " + column.getValue();
                if (defaultDdl != null) {
                    sql += " DEFAULT " + defaultDdl.sql().substring(defaultDdl.sql().indexOf(SET_DEFAULT) + SET_DEFAULT.length());
                    defaultsAdded.add(object);
                }
                statements.add(new Ddl("column", object, sql));
            } else if (!targetDefinition.equals(column.getValue())) {
                conflicts.add("column " + object + " is \"" + column.getValue() + "\" in the migration and \""
                        + targetDefinition + "\" on the target; a migration does not change columns: make them equal "
                        + "on one side first");
            }
        }
    }

    /** Column definitions of a {@code CREATE TABLE} the catalog reader wrote, by quoted name. */
    private static Map<String, String> columns(String createTable) {
        Map<String, String> columns = new LinkedHashMap<>();
        for (String definition : SqlNames.parenthesised(createTable)) {
            columns.put(SqlNames.parts(definition).get(0), definition);
        }
        return columns;
    }

    /** A column may have several options (statistics, storage...): each is its own object. */
    private static String key(Ddl ddl) {
        return ddl.kind() + " " + ddl.object() + (ddl.kind().equals("column options") ? " " + ddl.sql() : "");
    }
}
