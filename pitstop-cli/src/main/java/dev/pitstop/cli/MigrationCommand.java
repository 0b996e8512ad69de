package dev.pitstop.cli;

import static dev.pitstop.procedure.ClusterProcedures.migrationEngine;

import dev.pitstop.backup.ProgressUpdate;
import dev.pitstop.migration.Declarations;
import dev.pitstop.migration.MigrationKeys;
import dev.pitstop.migration.MigrationLog;
import dev.pitstop.migration.Migrations;
import dev.pitstop.migration.RulesFile;
import dev.pitstop.procedure.ClusterProcedures;
import dev.pitstop.procedure.MigrationApply;
import dev.pitstop.procedure.MigrationValues;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.procedure.ProcedureKind;
import dev.pitstop.procedure.ProcedureRunner;
import dev.pitstop.release.DeclaredTables;
import dev.pitstop.release.ProcessNode;
import dev.pitstop.release.Release;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "migration", mixinStandardHelpOptions = true,
        description = {"Environment migration: moves the application's configuration and schema from one cluster "
                + "(say staging) to another (production) by per-table rules. User data and secrets of the target "
                + "stay its own.",
                "",
                "  pitstop migration create --output m.migration   (on the source; --rules FILE)",
                "  pitstop migration check m.migration             (on the target: a preview)",
                "  pitstop migration apply m.migration             (backup first, one transaction)",
                "",
                "Files are signed: the source signs with its Ed25519 key (made in HOME/migration-keys on first "
                        + "use), and the target accepts only files signed by a key it trusts, once, before any SQL runs:",
                "  pitstop --home staging migration public-key > staging.pub",
                "  pitstop --home production migration trust staging.pub",
                "",
                "Each table has a rule: overwrite (the target's rows become the source's), upsert (source rows "
                        + "replace those of the same primary key, new ones are added), insert-ignore (only new keys "
                        + "are added), schema-only (the table's definition moves, no rows), skip (nothing moves). "
                        + "The core and the plugins declare tables as configuration (default: overwrite) or user data "
                        + "(default: schema-only; so is any undeclared table). The environment's variables and "
                        + "secrets (app.environment) never move: only their names, which the target must have.",
                "Schema changes only add: missing tables, columns, indexes, constraints and functions are created, "
                        + "column defaults take the source's; nothing of the target is dropped."},
        subcommands = {MigrationCommand.Create.class, MigrationCommand.Check.class, MigrationCommand.Apply.class,
                MigrationCommand.Logs.class, MigrationCommand.Trust.class, MigrationCommand.Keys.class,
                MigrationCommand.Untrust.class, MigrationCommand.PrintPublicKey.class})
final class MigrationCommand {

    @ParentCommand
    private Pitstop pitstop;

    /** This cluster's signing key pair and the keys it trusts, in the home. */
    MigrationKeys keys() {
        return new MigrationKeys(pitstop.home().migrationKeysDir());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Writes a migration file of the running cluster, read in one consistent snapshot: each "
                    + "table's rule, the definitions of the tables that move, the rows of those whose rule moves rows, "
                    + "the names (never the values) of its environment variables and secrets, and a manifest with "
                    + "the release, the plugins and a checksum per table.",
                    "",
                    "The rules file (YAML) gives tables other rules than their defaults:",
                    "  tables:",
                    "    app.items: upsert",
                    "    app.comments: skip",
                    "upsert and insert-ignore need a primary key that the application sets, not the database (no "
                            + "identity, serial or default): otherwise equal keys in two databases are different rows."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:written", "1:failed, or no cluster runs in HOME; no file was written",
                    "2:usage error: FILE exists, or the rules file is not valid (the message names the table and "
                            + "the rule); no file was written"})
    static final class Create implements Callable<Integer> {

        @ParentCommand
        private MigrationCommand migration;

        @Option(names = "--output", paramLabel = "FILE", required = true, description = "Where to write the migration file.")
        private Path output;

        @Option(names = "--rules", paramLabel = "FILE",
                description = "The rules file (YAML, see above). Default: every table gets its default rule.")
        private Path rules;

        @Override
        public Integer call() {
            RunningCluster cluster = RunningCluster.open(migration.pitstop);
            Release release = Release.open(cluster.release());
            Migrations.Created created = migrationEngine(() -> Migrations.create(cluster.db(), output,
                    rules == null ? RulesFile.none() : RulesFile.read(rules),
                    Declarations.read(DeclaredTables.of(release), release.name(), pluginJars(release)),
                    migration.keys().keyPair(), migration.pitstop.config().applicationSchemas()));
            System.out.printf("Migration written: %s (%s; release %s; %d tables move, %d with rows; %d environment "
                            + "names; signed by %s)%n", created.file(), ProgressUpdate.bytes(created.size()),
                    created.manifest().release(),
                    created.plan().tables().stream().filter(t -> t.rule().movesSchema()).count(),
                    created.manifest().tables().size(), created.plan().environment().size(),
                    MigrationKeys.fingerprint(migration.keys().keyPair().getPublic()));
            return 0;
        }

        /** The plugins the nodes load: the release's bundled ones and those added to the storage directory. */
        private List<Path> pluginJars(Release release) {
            List<Path> jars = new ArrayList<>(release.plugins());
            Path added = migration.pitstop.home().storageDir().resolve("plugins");
            if (Files.isDirectory(added)) {
                try (Stream<Path> files = Files.list(added)) {
                    files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().forEach(jars::add);
                } catch (IOException e) {
                    throw OperationException.failed("cannot list the added plugins in " + added + ": " + e.getMessage());
                }
            }
            return jars;
        }
    }

    /** How values for the target's missing environment variables and secrets are given to check and apply. */
    static final class ValueOptions {

        @Option(names = "--set", paramLabel = "NAME=VALUE",
                description = "The value of an environment variable the source has and the target lacks. Not for "
                        + "secrets: a command line is visible to every user of the host.")
        private List<String> set = List.of();

        @Option(names = "--set-file", paramLabel = "FILE",
                description = "Values of variables and secrets the target lacks, one NAME=VALUE a line ('#' starts "
                        + "a comment). Keep it readable only by you.")
        private Path setFile;

        @Option(names = "--allow-missing-plugins",
                description = "Go on when the target lacks plugins of the source (or has older versions): their "
                        + "tables are left out.")
        private boolean allowMissingPlugins;

        /** The options of the target {@code procedures} builds, with the values given. */
        Migrations.Options options(ClusterProcedures procedures) {
            MigrationValues values = new MigrationValues();
            if (setFile != null) {
                try {
                    values.addLines(Files.readAllLines(setFile), setFile.toString());
                } catch (NoSuchFileException e) {
                    throw OperationException.invalid("--set-file: no such file " + setFile);
                } catch (IOException e) {
                    throw OperationException.invalid("--set-file: cannot read " + setFile + ": " + e.getMessage());
                }
            }
            set.forEach(assignment -> values.add(assignment, "--set"));
            Migrations.Options options = procedures.migrationOptions().withValues(values.asMap(),
                    set.stream().map(s -> s.substring(0, s.indexOf('='))).collect(Collectors.toSet()));
            return allowMissingPlugins ? options.allowingMissingPlugins() : options;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Checks a migration file against the running cluster and shows what 'apply' would do, "
                    + "without changing anything: it runs the whole migration in a transaction and rolls it back "
                    + "(briefly locking the tables it would change).",
                    "",
                    "Refused before any SQL runs when the file is not signed, was changed after it was signed, or "
                            + "is signed by a key this cluster does not trust (see: pitstop migration trust --help).",
                    "Refused when: the file is damaged or not a migration file; it was made by a newer release than "
                            + "the cluster's; plugins of the source are missing here (listed; --allow-missing-plugins "
                            + "leaves their tables out); environment variables or secrets are missing here (listed; "
                            + "give them with --set or --set-file); the PostgreSQL version or encoding cannot take it; "
                            + "a table's rule cannot match its rows by the key here; or a table, column or index of "
                            + "the same name differs. Every reason is listed at once.",
                    "Otherwise it prints, per table, the rule and the rows to insert, update and delete, then every "
                            + "schema statement that would run."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the migration can be applied; the preview is printed", "1:failed, or no cluster runs in HOME",
                    "2:usage error: a bad --set or --set-file", "3:refused: the message lists every reason"})
    static final class Check implements Callable<Integer> {

        @ParentCommand
        private MigrationCommand migration;

        @Spec
        private CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The migration file.")
        private Path file;

        @Mixin
        private ValueOptions values;

        @Override
        public Integer call() {
            ClusterProcedures procedures = ProcedureSession.open(migration.pitstop, spec).procedures();
            Migrations.Report preview = procedures.migrationCheck(file, values.options(procedures));
            print(preview, System.out, "would change");
            System.out.printf("The migration can be applied: pitstop migration apply %s%n", file);
            return 0;
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = {"Applies a migration file to the running cluster, as a journaled procedure:",
                    "  the checks of 'migration check' (refused with nothing changed; first of all the file's signature, "
                            + "by a key this cluster trusts) → confirmation (skipped with "
                            + "--yes) → a maintenance window, unless one is open (with --page: status page up; every "
                            + "node but one drained and stopped) → the current data saved in "
                            + "HOME/backups/before-migration-<UTC time>.backup → the migration in one transaction: "
                            + "schema, environment values, rows by rule, verified, logged → for a release whose nodes "
                            + "are processes (NocoBase), the serving nodes restarted, as such an application reads its "
                            + "configuration only as it starts → the window closed again "
                            + "(the node verified, the others started, the page down).",
                    "",
                    "If the backup or the migration fails, nothing was changed and the window it opened is undone. "
                            + "If this command is interrupted, --resume continues after the last completed step (give "
                            + "--set and --set-file again: values are not journaled). To undo a migration that "
                            + "succeeded, restore the backup it names: pitstop backup restore NAME. 'pitstop migration "
                            + "logs' shows what every migration did."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:applied", "1:failed: the message says what state the cluster is in and names the backup",
                    "2:usage error: a bad option, no terminal to confirm on",
                    "3:refused: the file is not signed by a trusted key, the checks (the message lists every reason), "
                            + "not confirmed, or another procedure runs "
                            + "or is open; nothing was changed"})
    static final class Apply implements Callable<Integer> {

        @ParentCommand
        private MigrationCommand migration;

        @Spec
        private CommandSpec spec;

        @Parameters(paramLabel = "FILE", arity = "0..1", description = "The migration file. Not with --resume.")
        private Path file;

        @Mixin
        private ValueOptions values;

        @Option(names = "--yes", description = "Do not ask for confirmation (for scripts).")
        private boolean yes;

        @Option(names = "--page", description = "If a window is opened, put the 503 status page up while it is open.")
        private boolean page;

        @Option(names = "--resume", description = "Continue the interrupted (or failed) apply after its last "
                + "completed step.")
        private boolean resume;

        @Mixin
        private AbandonOption abandon;

        @Override
        public Integer call() {
            abandon.requireAlone(resume || file != null || yes || page);
            if (abandon.requested()) {
                abandon.abandon(ProcedureSession.open(migration.pitstop, spec), ProcedureKind.MIGRATION_APPLY);
                return 0;
            }
            if (resume == (file != null)) {
                throw OperationException.invalid(resume ? "--resume continues the open apply with its own file: leave "
                        + "FILE out" : "which migration file? give FILE");
            }
            if (!resume && !yes && System.console() == null) {
                throw OperationException.invalid("there is no terminal to confirm the migration on: add --yes");
            }
            ProcedureSession procedures = ProcedureSession.open(migration.pitstop, spec);
            MigrationApply apply = procedures.procedures().migrationApply(ProgressDisplay.forConsole(null));
            ProcedureRunner runner = procedures.runner();
            Migrations.Options options = values.options(procedures.procedures());
            if (resume) {
                runner.resume(ProcedureKind.MIGRATION_APPLY, apply.resumable(options));
            } else {
                boolean processNodes = ProcessNode.of(Release.open(procedures.currentRelease())).isPresent();
                runner.start(apply.of(file, procedures.backupsDir(), options, page, processNodes,
                        consequence -> yes || Confirmation.ask(spec, consequence)));
            }
            return 0;
        }
    }

    @Command(name = "trust", mixinStandardHelpOptions = true,
            description = {"Trusts the public key in KEYFILE: migration files signed with it are accepted by check and "
                    + "apply from now on. Get it from the source cluster with 'pitstop migration public-key', and "
                    + "compare its fingerprint with the source's ('pitstop migration keys' there) before trusting it.",
                    "A cluster always accepts the files it signed itself. The key is kept in HOME/migration-keys/trusted;"
                            + " 'pitstop migration untrust KEY' stops trusting it."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:trusted (or already)", "1:failed: the key could not be stored",
                    "2:usage error: KEYFILE holds no Ed25519 public key in PEM"})
    static final class Trust implements Callable<Integer> {

        @ParentCommand
        private MigrationCommand migration;

        @Parameters(paramLabel = "KEYFILE", description = "An Ed25519 public key in PEM (-----BEGIN PUBLIC KEY-----).")
        private Path keyFile;

        @Override
        public Integer call() {
            MigrationKeys.TrustedKey key = migrationEngine(() -> migration.keys().trust(keyFile));
            System.out.printf("Trusted %s: migration files signed with it are accepted (kept in %s)%n",
                    key.fingerprint(), key.file());
            return 0;
        }
    }

    @Command(name = "untrust", mixinStandardHelpOptions = true,
            description = {"Stops trusting a key: migration files signed with it are refused by check and apply from "
                    + "now on. Files already applied stay applied.",
                    "KEY is the fingerprint 'pitstop migration keys' lists (ed25519:...) or the PEM file the key was "
                            + "trusted from. The cluster's own key cannot be untrusted: it always accepts its own files."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:no longer trusted", "1:failed: the key's file could not be deleted",
                    "2:usage error: KEY is not a trusted key, or it is the cluster's own"})
    static final class Untrust implements Callable<Integer> {

        @ParentCommand
        private MigrationCommand migration;

        @Parameters(paramLabel = "KEY", description = "A trusted key's fingerprint (ed25519:...) or its PEM file.")
        private String key;

        @Override
        public Integer call() {
            MigrationKeys.TrustedKey removed = migrationEngine(() -> migration.keys().untrust(key));
            System.out.printf("No longer trusted: %s; migration files signed with it are refused%n",
                    removed.fingerprint());
            return 0;
        }
    }

    @Command(name = "keys", mixinStandardHelpOptions = true,
            description = "Lists this cluster's migration signing key and the keys it trusts, by fingerprint.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:listed", "1:failed: a key file cannot be read"})
    static final class Keys implements Callable<Integer> {

        @ParentCommand
        private MigrationCommand migration;

        @Override
        public Integer call() {
            MigrationKeys keys = migration.keys();
            PublicKey own = migrationEngine(() -> keys.keyPair().getPublic());
            System.out.printf("signs with: %s (%s)%n", MigrationKeys.fingerprint(own), keys.publicKeyFile());
            List<MigrationKeys.TrustedKey> trusted = migrationEngine(keys::trusted);
            if (trusted.isEmpty()) {
                System.out.println("trusts no other key (add one with: pitstop migration trust KEYFILE)");
            }
            for (MigrationKeys.TrustedKey key : trusted) {
                System.out.printf("trusts: %s (%s)%n", key.fingerprint(), key.file());
            }
            return 0;
        }
    }

    @Command(name = "public-key", mixinStandardHelpOptions = true,
            description = "Prints this cluster's public key for migration files (PEM), for the clusters that are to "
                    + "accept its files: 'pitstop migration trust KEYFILE' there. It is made on first use.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:printed", "1:failed: the key cannot be read or made"})
    static final class PrintPublicKey implements Callable<Integer> {

        @ParentCommand
        private MigrationCommand migration;

        @Override
        public Integer call() {
            System.out.print(MigrationKeys.pem(migrationEngine(() -> migration.keys().keyPair().getPublic())));
            return 0;
        }
    }

    @Command(name = "logs", mixinStandardHelpOptions = true,
            description = "Shows the migrations applied to the running cluster, newest first: file, releases, outcome, "
                    + "the backup taken before, each step with its duration, each table's rows inserted, updated and "
                    + "deleted, and every schema statement that ran.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:shown", "1:failed, or no cluster runs in HOME"})
    static final class Logs implements Callable<Integer> {

        @ParentCommand
        private MigrationCommand migration;

        @Override
        public Integer call() {
            RunningCluster cluster = RunningCluster.open(migration.pitstop);
            List<MigrationLog.Entry> entries = migrationEngine(() -> Migrations.logs(cluster.db()));
            PrintStream out = System.out;
            if (entries.isEmpty()) {
                out.println("No migration was applied to this cluster (see: pitstop migration --help)");
            }
            for (MigrationLog.Entry entry : entries) {
                out.printf("#%d %s %s: %s from release %s%s, %s%n", entry.id(), entry.startedAt().truncatedTo(ChronoUnit.SECONDS),
                        entry.outcome(), entry.file(), entry.sourceRelease(),
                        entry.targetRelease() == null ? "" : " into " + entry.targetRelease(),
                        entry.backup() == null ? "no backup" : "backup before: " + entry.backup());
                if (entry.message() != null) {
                    out.printf("  %s%n", entry.message());
                }
                for (MigrationLog.Step step : entry.steps()) {
                    out.printf("  step: %s (%.1f s)%n", step.name(), step.millis() / 1000.0);
                }
                print(new Migrations.Report(entry.file(), entry.sourceRelease(), entry.targetRelease(), entry.tables(),
                        entry.statements(), List.of()), out, "changed");
            }
            return 0;
        }
    }

    /** Per table the rule and the row counts, then the schema statements. */
    static void print(Migrations.Report report, PrintStream out, String verb) {
        out.printf("%s: made by release %s, for the target at release %s%n", report.file(), report.sourceRelease(),
                report.targetRelease());
        String format = "  %-32s %-14s %8s %8s %8s  %s%n";
        out.printf(format, "TABLE", "RULE", "INSERT", "UPDATE", "DELETE", "");
        for (Migrations.TableOutcome table : report.tables()) {
            boolean rows = table.rule().movesData() && table.note() == null;
            out.printf(format, table.table(), table.rule().label(), rows ? table.inserted() : "-",
                    rows ? table.updated() : "-", rows ? table.deleted() : "-", table.note() == null ? "" : table.note());
        }
        out.printf("  Schema statements that %s the target: %s%n", verb, report.statements().isEmpty() ? "none" : "");
        for (String statement : report.statements()) {
            out.printf("    %s;%n", statement);
        }
        if (!report.environmentAdded().isEmpty()) {
            out.printf("  Environment values added: %s%n", String.join(", ", report.environmentAdded()));
        }
    }
}
