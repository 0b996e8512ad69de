package dev.pitstop.migration;

import dev.pitstop.backup.ServerSettings;
import dev.pitstop.backup.TableLoader;
import dev.pitstop.backup.format.Manifest;
import dev.pitstop.backup.schema.Definitions;
import dev.pitstop.backup.schema.Definitions.Ddl;
import dev.pitstop.control.AdvisoryLock;
import dev.pitstop.db.Database;
import dev.pitstop.db.DbSettings;
import dev.pitstop.release.Versions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One check or apply of a verified migration file against the target database, in one
 * transaction: the checks, which refuse; the schema changes; the environment's missing values;
 * each table's rows by its rule, verified; then a commit (apply) or a rollback (check). A check
 * thus runs exactly what an apply would, and reports what it would change.
 */
final class MigrationRun {

    private static final String LOCK_TIMEOUT = "5s";

    private final DbSettings db;
    private final MigrationFile file;
    private final Migrations.Options options;
    private final MigrationLog.Recorder log = new MigrationLog.Recorder();
    private final List<TableMerge> merged = new ArrayList<>();
    private String step = "starting";

    MigrationRun(DbSettings db, MigrationFile file, Migrations.Options options) {
        this.db = db;
        this.file = file;
        this.options = options;
    }

    Migrations.Report check() {
        return run(false, null);
    }

    Migrations.Report apply(String backup) {
        return run(true, backup);
    }

    private Migrations.Report run(boolean commit, String backup) {
        Instant started = Instant.now();
        String targetRelease = null;
        try (Connection c = Database.connect(db, MigrationWriter.APPLICATION_NAME)) {
            c.setAutoCommit(false);
            try {
                execute(c, "SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
                if (!queryBoolean(c, "SELECT pg_try_advisory_xact_lock(" + AdvisoryLock.RESTORE + ")")) {
                    throw refused(List.of("a restore or another migration into this database is running; wait until it ends"));
                }
                targetRelease = DatabaseFacts.release(c);
                Migrations.Report report = migrate(c, targetRelease, !commit);
                if (commit) {
                    step = "advancing the sequences";
                    log.step("advance the sequences past the moved keys", () -> {
                        for (TableMerge merge : merged) {
                            merge.advanceSequences();
                        }
                    });
                    step = "committing";
                    MigrationLog.Entry entry = log.entry(file, report.targetRelease(), backup, started, "succeeded", null);
                    MigrationLog.record(c, entry);
                    c.commit();
                } else {
                    c.rollback();
                }
                return report;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                if (e instanceof MigrationRefusedException refused) {
                    throw refused;
                }
                if (!commit) {
                    throw refused(List.of("applying it would fail while " + step + ": " + messageOf(e)));
                }
                String message = "migration " + file.name() + " failed while " + step + "; nothing was changed: "
                        + messageOf(e) + (backup == null ? "" : " (the backup taken before it is " + backup + ")");
                MigrationLog.record(c, log.entry(file, targetRelease, backup, started, "failed", message));
                c.commit();
                throw new MigrationException(message, e);
            }
        } catch (SQLException e) {
            throw new MigrationException("migration " + file.name() + " failed, nothing was changed: cannot reach the "
                    + "database: " + e.getMessage(), e);
        }
    }

    /**
     * @param confined whether to run the file's statements and rows in a {@link ConfinedCopy}, when
     *                 the connecting user could leave the database
     */
    private Migrations.Report migrate(Connection c, String targetRelease, boolean confined) throws SQLException {
        MigrationPlan plan = file.plan();
        step = "checking the target";
        Definitions target = DatabaseFacts.definitions(c, options.appSchemas());
        List<String> reasons = new ArrayList<>();
        refuseRelease(targetRelease, reasons);
        refuseServer(ServerSettings.read(c), reasons);
        Set<String> leftOutPlugins = missingPlugins(DatabaseFacts.plugins(c), reasons);
        Map<String, String> values = environmentValues(DatabaseFacts.environmentNames(c), reasons);
        Map<String, PrimaryKey> keys = PrimaryKey.read(c, options.appSchemas());
        Set<String> moving = plan.tables().stream()
                .filter(t -> t.rule().movesSchema() && !ownedBy(t, leftOutPlugins))
                .map(MigrationPlan.PlannedTable::name).collect(Collectors.toSet());
        for (MigrationPlan.PlannedTable table : plan.tables()) {
            if (moving.contains(table.name()) && table.rule().matchesKeys()) {
                refuseKey(table, keys.get(table.name()), reasons);
            }
        }
        refuseNames(plan, reasons);
        SchemaChanges schema = SchemaChanges.between(DefinitionOwners.carried(plan.definitions(), moving), target);
        reasons.addAll(schema.conflicts());
        if (!reasons.isEmpty()) {
            throw refused(reasons);
        }
        log.step("check the target: release, server, plugins, environment, keys, schema", () -> { });
        if (confined && ConfinedCopy.needed(c)) {
            step = "copying the target into a scratch database, for a role that cannot leave the database";
            Set<String> schemas = new TreeSet<>(target.schemas());
            schemas.addAll(plan.definitions().schemas());
            try (ConfinedCopy copy = ConfinedCopy.open(db, options.appSchemas(), schemas, moving)) {
                return runFile(copy.connection(), c, targetRelease, plan, schema, values, moving, leftOutPlugins);
            }
        }
        return runFile(c, c, targetRelease, plan, schema, values, moving, leftOutPlugins);
    }

    /**
     * Runs the file's statements and rows over {@code run}; the environment's values, which are
     * Pitstop's own statements, go to the target's control schema over {@code control}.
     */
    private Migrations.Report runFile(Connection run, Connection control, String targetRelease, MigrationPlan plan,
                                      SchemaChanges schema, Map<String, String> values, Set<String> moving,
                                      Set<String> leftOutPlugins) throws SQLException {
        List<String> statements = changeSchema(run, schema.statements());
        setEnvironment(control, values);
        Map<String, Migrations.TableOutcome> outcomes = moveRows(run, plan, moving, leftOutPlugins);
        return new Migrations.Report(file.name(), file.manifest().release(), targetRelease,
                List.copyOf(outcomes.values()), statements, List.copyOf(values.keySet()));
    }

    private void refuseRelease(String targetRelease, List<String> reasons) {
        String source = file.manifest().release();
        if (source != null && targetRelease != null && Versions.compare(source, targetRelease) > 0) {
            reasons.add("it was made by release " + source + ", newer than the target's " + targetRelease
                    + ": upgrade the target to " + source + " or later first");
        }
    }

    private void refuseServer(Manifest.Server here, List<String> reasons) {
        Manifest.Server source = file.manifest().server();
        if (here.major() < source.major()) {
            reasons.add("it comes from PostgreSQL " + source.version() + " and the target runs " + here.version()
                    + ", whose syntax may not take its definitions: migrate into PostgreSQL " + source.major() + " or newer");
        }
        if (!here.encoding().equals(source.encoding())) {
            reasons.add("the source's database is encoded in " + source.encoding() + " and the target's in "
                    + here.encoding() + ": text would change on the way");
        }
    }

    /** The source's plugins the target lacks or has in an older version; refused unless allowed, then left out. */
    private Set<String> missingPlugins(List<Manifest.Plugin> installed, List<String> reasons) {
        Map<String, String> versions = installed.stream()
                .collect(Collectors.toMap(Manifest.Plugin::id, Manifest.Plugin::version));
        Set<String> missing = new TreeSet<>();
        List<String> described = new ArrayList<>();
        for (Manifest.Plugin plugin : file.manifest().plugins()) {
            String there = versions.get(plugin.id());
            if (there == null || Versions.compare(there, plugin.version()) < 0) {
                missing.add(plugin.id());
                described.add(plugin.id() + " " + plugin.version() + (there == null ? " (not installed)" : " (target has " + there + ")"));
            }
        }
        if (!missing.isEmpty() && !options.allowMissingPlugins()) {
            reasons.add("the target lacks plugins of the source: " + String.join(", ", described)
                    + "; add or upgrade them first, or give --allow-missing-plugins to leave their tables out");
        }
        return missing;
    }

    /** The values to add: for the source's names the target lacks, from the options. */
    private Map<String, String> environmentValues(Set<String> present, List<String> reasons) {
        Map<String, Boolean> needed = file.plan().environment().stream()
                .collect(Collectors.toMap(MigrationPlan.EnvironmentName::name, MigrationPlan.EnvironmentName::secret,
                        (a, b) -> a, LinkedHashMap::new));
        Map<String, String> values = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Boolean> name : needed.entrySet()) {
            if (present.contains(name.getKey())) {
                continue;
            }
            String value = options.values().get(name.getKey());
            if (value == null) {
                missing.add(name.getKey() + (name.getValue() ? " (secret)" : ""));
            } else if (name.getValue() && options.givenOnCommandLine().contains(name.getKey())) {
                reasons.add(name.getKey() + " is a secret: give its value in a --set-file, never on the command line, "
                        + "which every user of the host can see");
            } else {
                values.put(name.getKey(), value);
            }
        }
        if (!missing.isEmpty()) {
            reasons.add("the target lacks environment variables or secrets the source has: " + String.join(", ", missing)
                    + "; give their values with --set NAME=VALUE or --set-file FILE (secrets only in a file)");
        }
        for (String supplied : new TreeSet<>(options.values().keySet())) {
            if (!needed.containsKey(supplied)) {
                reasons.add("a value is given for " + supplied + ", which the source does not have; leave it out");
            } else if (present.contains(supplied)) {
                reasons.add("a value is given for " + supplied + ", which the target has already; a migration never "
                        + "changes the target's environment: leave it out");
            }
        }
        return values;
    }

    private static void refuseKey(MigrationPlan.PlannedTable table, PrimaryKey there, List<String> reasons) {
        if (there != null && (!there.columns().equals(table.key()) || there.generated())) {
            reasons.add("table " + table.name() + " has the primary key (" + String.join(", ", there.columns())
                    + (there.generated() ? ", database-generated" : "") + ") on the target, so '" + table.rule().label()
                    + "' cannot match its rows by the source's (" + String.join(", ", table.key()) + ")");
        }
    }

    private List<String> changeSchema(Connection c, List<Ddl> statements) throws SQLException {
        List<String> ran = new ArrayList<>();
        log.step("change the schema (" + statements.size() + (statements.size() == 1 ? " statement)" : " statements)"), () -> {
            execute(c, "SET LOCAL check_function_bodies = false");
            for (Ddl ddl : statements) {
                step = "creating " + ddl.kind() + " " + ddl.object();
                execute(c, ddl.sql());
                ran.add(ddl.sql());
            }
        });
        log.statements(ran);
        return ran;
    }

    private void setEnvironment(Connection c, Map<String, String> values) throws SQLException {
        if (values.isEmpty()) {
            return;
        }
        Map<String, Boolean> secret = file.plan().environment().stream()
                .collect(Collectors.toMap(MigrationPlan.EnvironmentName::name, MigrationPlan.EnvironmentName::secret));
        log.step("add " + values.size() + " environment values", () -> {
            step = "adding environment values";
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + DatabaseFacts.ENVIRONMENT
                    + " (name, value, secret) VALUES (?, ?, ?)")) {
                for (Map.Entry<String, String> value : values.entrySet()) {
                    boolean isSecret = secret.get(value.getKey());
                    ps.setString(1, value.getKey());
                    ps.setString(2, isSecret ? sealed(value.getKey(), value.getValue()) : value.getValue());
                    ps.setBoolean(3, isSecret);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        });
    }

    /** Secrets are kept sealed with the cluster key, so that no backup of the target holds them in clear. */
    private String sealed(String name, String value) {
        if (options.clusterKey() == null) {
            throw refused(List.of("the secret " + name + " would be stored in clear: "
                    + "the cluster key that seals secrets is not at hand"));
        }
        return options.clusterKey().seal(name, value);
    }

    /** Every table's outcome, in plan order: rows moved by rule, or why not. */
    private Map<String, Migrations.TableOutcome> moveRows(Connection c, MigrationPlan plan, Set<String> moving,
                                                          Set<String> leftOutPlugins) throws SQLException {
        Map<String, Migrations.TableOutcome> outcomes = new LinkedHashMap<>();
        Map<String, MigrationPlan.PlannedTable> byName = new HashMap<>();
        for (MigrationPlan.PlannedTable table : plan.tables()) {
            byName.put(table.name(), table);
            String note = ownedBy(table, leftOutPlugins) ? "left out: plugin " + table.owner() + " is missing"
                    : table.role().ruleCanChange() ? null : table.role() == TableRole.ENVIRONMENT
                    ? "environment: only its names move" : "internal: never moved";
            outcomes.put(table.name(), new Migrations.TableOutcome(table.name(), table.rule(), note, 0, 0, 0));
        }
        Map<String, List<String>> columns = plan.definitions().tables().stream()
                .collect(Collectors.toMap(Definitions.Table::name, Definitions.Table::columns));
        TableLoader loader = new TableLoader(c);
        Map<String, TableMerge> merges = new LinkedHashMap<>();
        try {
            file.rows(new MigrationFile.RowsConsumer() {
                @Override
                public void start(String table) throws SQLException {
                    MigrationPlan.PlannedTable planned = byName.get(table);
                    if (planned == null || !moving.contains(table) || !planned.rule().movesData()) {
                        return;
                    }
                    step = "loading the rows of " + table;
                    merges.put(table, TableMerge.stage(c, planned, columns.get(table), planned.key(), merges.size() + 1));
                }

                @Override
                public void block(String table, byte[] rows, int length) throws SQLException {
                    TableMerge merge = merges.get(table);
                    if (merge != null) {
                        loader.load(merge.stagingTable(), rows, length);
                    }
                }

                @Override
                public void end(String table) throws SQLException {
                    TableMerge merge = merges.get(table);
                    if (merge == null) {
                        return;
                    }
                    loader.end();
                    step = table + ": " + byName.get(table).rule().label();
                    log.step(table + ": " + byName.get(table).rule().label(), () -> outcomes.put(table, merge.merge()));
                }
            });
        } catch (SQLException | RuntimeException e) {
            loader.cancel();
            throw e;
        } catch (Exception e) {
            loader.cancel();
            throw new MigrationException(e.getMessage(), e);
        }
        step = "verifying";
        log.step("verify the moved rows", () -> {
            for (TableMerge merge : merges.values()) {
                String problem = merge.verify();
                if (problem != null) {
                    throw new MigrationException("verification failed: " + problem);
                }
            }
        });
        log.tables(outcomes.values());
        merged.addAll(merges.values());
        return outcomes;
    }

    /** Rows are merged with statements built from the file's table and column names: each must be just a name. */
    private static void refuseNames(MigrationPlan plan, List<String> reasons) {
        for (Definitions.Table table : plan.definitions().tables()) {
            try {
                SqlNames.quoted(table.name());
                table.columns().forEach(SqlNames::quoted);
            } catch (IllegalArgumentException e) {
                reasons.add("the file names a table or column that is not a plain name: " + e.getMessage());
            }
        }
        for (MigrationPlan.PlannedTable table : plan.tables()) {
            try {
                SqlNames.quoted(table.name());
                table.key().forEach(SqlNames::quoted);
            } catch (IllegalArgumentException e) {
                reasons.add("the file names a table or key column that is not a plain name: " + e.getMessage());
            }
        }
    }

    private static boolean ownedBy(MigrationPlan.PlannedTable table, Set<String> plugins) {
        return table.owner() != null && plugins.contains(table.owner());
    }

    private MigrationRefusedException refused(List<String> reasons) {
        return new MigrationRefusedException(file.path().toString(), reasons);
    }

    private static String messageOf(Throwable e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static boolean queryBoolean(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
