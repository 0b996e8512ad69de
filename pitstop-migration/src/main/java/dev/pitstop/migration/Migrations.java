package dev.pitstop.migration;

import dev.pitstop.backup.format.Manifest;
import dev.pitstop.backup.schema.AppSchemas;
import dev.pitstop.db.DbSettings;
import dev.pitstop.secret.ClusterKey;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Environment migration: moves an application's configuration and schema from one database (a
 * staging cluster's) to another (production's) by per-table rules. See the package documentation
 * for the rules, the file and the guarantees.
 */
public final class Migrations {

    private Migrations() {
    }

    /**
     * Writes a migration file of the database {@code db}.
     *
     * @param rules      rules by table, overriding the defaults of the tables' roles ({@link RulesFile})
     * @param pluginJars  the jars of the plugins whose tables' declarations count
     * @param signingKeys the source cluster's key pair ({@link MigrationKeys#keyPair}), which signs the file
     * @throws InvalidMigrationException when the rules or a declaration are not valid; no file is written
     * @throws MigrationException        when it fails for another reason; no file is written
     */
    public static Created create(DbSettings db, Path file, Map<String, Rule> rules, Collection<Path> pluginJars,
                                 KeyPair signingKeys) {
        return create(db, file, rules, Declarations.read(pluginJars), signingKeys, AppSchemas.ALL);
    }

    /**
     * {@link #create(DbSettings, Path, Map, Collection, KeyPair)} with the tables' declarations read
     * already ({@link Declarations#read(java.util.Optional, String, Collection)}: a release's own and its
     * plugins'), of the application schemas given, for a database shared with other applications.
     */
    public static Created create(DbSettings db, Path file, Map<String, Rule> rules, Declarations declarations,
                                 KeyPair signingKeys, AppSchemas appSchemas) {
        return MigrationWriter.create(db, file, rules, declarations, signingKeys, appSchemas);
    }

    /**
     * Runs every check of {@link #apply} and the whole migration in a transaction that is rolled
     * back: what it would do, or why it is refused. Briefly locks the tables it would change.
     *
     * @throws MigrationRefusedException listing every reason; nothing was changed
     */
    public static Report check(DbSettings db, Path file, Options options) {
        return new MigrationRun(db, MigrationFile.verify(file, options.acceptedKeys()), options).check();
    }

    /**
     * Applies the migration in one transaction, and logs it in the control schema.
     *
     * @param backup the backup of the target taken just before, named in the log and in errors
     * @throws MigrationRefusedException when the checks refuse it; nothing was changed
     * @throws MigrationException        when it failed; nothing was changed, the message says where
     */
    public static Report apply(DbSettings db, Path file, Options options, String backup) {
        return new MigrationRun(db, MigrationFile.verify(file, options.acceptedKeys()), options).apply(backup);
    }

    /** The migrations applied to the database {@code db}, newest first. */
    public static List<MigrationLog.Entry> logs(DbSettings db) {
        return MigrationLog.list(db);
    }

    /**
     * @param values              values for environment variables and secrets the target lacks, by name
     * @param givenOnCommandLine  which of {@code values} came on a command line, where a secret must not
     * @param allowMissingPlugins whether to go on when the target lacks plugins of the source: their
     *                            tables are left out
     * @param clusterKey          the target's key, which seals the secret values added; null when none is
     *                            at hand, and then a migration that adds a secret is refused
     * @param acceptedKeys        the public keys whose files the target accepts ({@link MigrationKeys#accepted});
     *                            a file signed by any other is refused before any SQL runs
     * @param appSchemas          the schemas the migration covers; the others are left alone
     */
    public record Options(Map<String, String> values, Set<String> givenOnCommandLine, boolean allowMissingPlugins,
                          ClusterKey clusterKey, List<PublicKey> acceptedKeys, AppSchemas appSchemas) {

        public Options {
            values = Map.copyOf(values);
            givenOnCommandLine = Set.copyOf(givenOnCommandLine);
            acceptedKeys = List.copyOf(acceptedKeys);
            Objects.requireNonNull(appSchemas, "appSchemas: use AppSchemas.ALL for the default");
        }

        /** Accepting files signed by one of {@code keys}, into the default application schemas; nothing else set. */
        public static Options accepting(List<PublicKey> keys) {
            return new Options(Map.of(), Set.of(), false, null, keys, AppSchemas.ALL);
        }

        public Options withValues(Map<String, String> supplied, Set<String> onCommandLine) {
            return new Options(supplied, onCommandLine, allowMissingPlugins, clusterKey, acceptedKeys, appSchemas);
        }

        public Options allowingMissingPlugins() {
            return new Options(values, givenOnCommandLine, true, clusterKey, acceptedKeys, appSchemas);
        }

        public Options withClusterKey(ClusterKey key) {
            return new Options(values, givenOnCommandLine, allowMissingPlugins, key, acceptedKeys, appSchemas);
        }

        public Options withAppSchemas(AppSchemas schemas) {
            return new Options(values, givenOnCommandLine, allowMissingPlugins, clusterKey, acceptedKeys, schemas);
        }
    }

    /** A written migration file. */
    public record Created(Path file, long size, Manifest manifest, MigrationPlan plan) {
    }

    /**
     * What a migration does, or did, to one table.
     *
     * @param note why it is left alone, or null when its rule runs
     */
    public record TableOutcome(String table, Rule rule, String note, long inserted, long updated, long deleted) {
    }

    /**
     * What a migration does (check) or did (apply) to the target.
     *
     * @param statements       the schema-changing statements, in order
     * @param environmentAdded the names of the variables and secrets given values on the target
     */
    public record Report(String file, String sourceRelease, String targetRelease, List<TableOutcome> tables,
                         List<String> statements, List<String> environmentAdded) {
    }
}
