package dev.pitstop.migration;

import dev.pitstop.backup.schema.Definitions;
import dev.pitstop.backup.schema.Definitions.Ddl;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Which table each statement of the backup engine's {@link Definitions} belongs to: a column
 * default, constraint, index, trigger or owned sequence belongs to its table; schemas, types,
 * functions, views and free sequences belong to none, and move with any table that may use them.
 */
final class DefinitionOwners {

    /**
     * Not carried: the target keeps its own sequence positions, comments and security labels are
     * documentation, and owners and grants name roles of the source's server, which the target's
     * need not have.
     */
    private static final Set<String> NOT_CARRIED = Set.of("sequence value", "comment", "security label",
            Ddl.OWNER, Ddl.PRIVILEGES, Ddl.DEFAULT_PRIVILEGES);

    private final Map<String, String> sequenceTables = new HashMap<>();
    private final Map<String, String> indexTables = new HashMap<>();

    private DefinitionOwners(Definitions definitions) {
        for (Ddl ddl : all(definitions)) {
            switch (ddl.kind()) {
                case "sequence ownership" ->
                        sequenceTables.put(ddl.object(), SqlNames.withoutLast(SqlNames.partsAfter(ddl.sql(), " OWNED BY ")));
                case "index" -> indexTables.put(ddl.object(), indexTable(ddl.sql()));
                // A key's index has the key's name, in its table's schema.
                case "constraint" -> {
                    List<String> parts = SqlNames.parts(ddl.object());
                    if (parts.size() == 3) {
                        indexTables.put(parts.get(0) + "." + parts.get(2), parts.get(0) + "." + parts.get(1));
                    }
                }
                default -> { }
            }
        }
    }

    static DefinitionOwners of(Definitions definitions) {
        return new DefinitionOwners(definitions);
    }

    /**
     * {@code definitions} cut down to what a migration of {@code moving} carries: those tables and
     * what belongs to them, and everything that belongs to no table.
     */
    static Definitions carried(Definitions definitions, Set<String> moving) {
        DefinitionOwners owners = of(definitions);
        Predicate<Ddl> carried = ddl -> !NOT_CARRIED.contains(ddl.kind())
                && (owners.tableOf(ddl) == null || moving.contains(owners.tableOf(ddl)));
        return new Definitions(definitions.schemas(),
                definitions.tables().stream().filter(t -> moving.contains(t.name())).toList(),
                definitions.beforeData().stream().filter(carried).toList(),
                definitions.afterData().stream().filter(carried).toList());
    }

    /** Every statement, in the order they run on an empty database. */
    static List<Ddl> all(Definitions definitions) {
        return Stream.concat(definitions.beforeData().stream(), definitions.afterData().stream()).toList();
    }

    /** From {@code pg_get_indexdef}: {@code CREATE [UNIQUE] INDEX name ON [ONLY] table USING ...}. */
    private static String indexTable(String sql) {
        String withoutOnly = sql.replace(" ON ONLY ", " ON ");
        return String.join(".", SqlNames.partsAfterName(withoutOnly, withoutOnly.indexOf("INDEX ") + "INDEX ".length(), " ON "));
    }

    /** The quoted, qualified table {@code ddl} belongs to, or null when it belongs to none. */
    String tableOf(Ddl ddl) {
        return switch (ddl.kind()) {
            case "table", "partition", "table options", "row security" -> ddl.object();
            case "column default", "column options", "constraint", "foreign key" ->
                    SqlNames.withoutLast(SqlNames.parts(ddl.object()));
            case "trigger", "trigger state", "rule", "policy" ->
                    String.join(".", SqlNames.partsAfterName(ddl.object(), 0, " on "));
            case "index", "index partition", "index options" -> indexTables.get(ddl.object());
            case "sequence", "sequence ownership", "sequence value" -> sequenceTables.get(ddl.object());
            default -> null;
        };
    }
}
