package dev.pitstop.migration;

import dev.pitstop.backup.schema.Definitions;
import java.util.List;

/**
 * What a migration file carries besides rows, as its first entry: every table of the source with
 * its rule, the environment's names, and the definitions of what moves.
 *
 * @param tables      every table of the source's application schemas, by name
 * @param environment the names of the source's environment variables and secrets; never their values
 * @param definitions the statements that create the moving tables and what they use, as the backup
 *                    engine reads them; their sequences' values are left out, as the target keeps its own
 */
public record MigrationPlan(List<PlannedTable> tables, List<EnvironmentName> environment, Definitions definitions) {

    /**
     * @param name  quoted and schema-qualified
     * @param owner {@code core}, a plugin id, or null when nobody declares the table
     * @param key   the primary key's columns, quoted; empty without a primary key
     */
    public record PlannedTable(String name, String owner, TableRole role, Rule rule, List<String> key) {
    }

    public record EnvironmentName(String name, boolean secret) {
    }
}
