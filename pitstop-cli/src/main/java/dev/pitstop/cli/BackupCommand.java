package dev.pitstop.cli;

import dev.pitstop.backup.ProgressUpdate;
import dev.pitstop.backup.BackupCatalog;
import dev.pitstop.backup.BackupException;
import dev.pitstop.backup.BackupInfo;
import dev.pitstop.backup.BackupOptions;
import dev.pitstop.backup.BackupResult;
import dev.pitstop.backup.Backups;
import dev.pitstop.backup.InvalidBackupException;
import dev.pitstop.backup.PasswordSource;
import dev.pitstop.backup.ReplayOptions;
import dev.pitstop.backup.UnsupportedObjectsException;
import dev.pitstop.backup.format.BackupLabel;
import dev.pitstop.backup.format.EntryKind;
import dev.pitstop.backup.format.Manifest;
import dev.pitstop.control.AuditLog;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.procedure.Operator;
import dev.pitstop.procedure.ProcedureKind;
import dev.pitstop.procedure.ProcedureRunner;
import dev.pitstop.procedure.Restore;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Backups of the application: its database schemas (every schema but Pitstop's own control "
                + "schema) and its storage directory, in one verifiable file. No pg_dump is needed.",
                "",
                "Backups are kept in HOME/backups, where 'list' finds them and where the nodes write the scheduled "
                        + "ones (backup.cron and backup.keep in the node configuration). Wherever FILE is asked for, "
                        + "a path or the name of a backup in HOME/backups will do.",
                "A password, when a backup is encrypted (AES-256-GCM, key derived with Argon2id), comes from "
                        + "--password-file, else from backup.password-file in pitstop.yml, else a prompt; never from "
                        + "the command line. Without it an encrypted backup cannot be restored: keep it safe.",
                "Backup files are created mode 0600, and new backup directories 0700."},
        subcommands = {BackupCommand.Create.class, BackupCommand.ListBackups.class, BackupCommand.Verify.class,
                BackupCommand.RestoreBackup.class, BackupCommand.Delete.class})
final class BackupCommand {

    @ParentCommand
    private Pitstop pitstop;

    @Spec
    private CommandSpec spec;

    BackupCatalog catalog() {
        return new BackupCatalog(pitstop.home().backupsDir());
    }

    /** To open a backup: {@code passwordFile}, else the cluster's backup password file, else a prompt. */
    PasswordSource toOpen(Path passwordFile, String question) {
        String configured = pitstop.config().backup().passwordFile();
        return BackupPassword.toOpen(passwordFile != null ? passwordFile
                : configured != null ? Path.of(configured) : null, question);
    }

    /** A path to a file, else the name of a backup in HOME/backups; a usage error when it is neither. */
    Path backupFile(String fileOrName) {
        Path path = Path.of(fileOrName);
        if (Files.isRegularFile(path)) {
            return path.toAbsolutePath().normalize();
        }
        try {
            return catalog().resolve(fileOrName);
        } catch (BackupException e) {
            throw OperationException.invalid("no backup file " + path.toAbsolutePath().normalize() + ", and no backup "
                    + "named \"" + fileOrName + "\" in " + catalog().dir() + " (see: pitstop backup list)");
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Backs up the running cluster while it serves: every table is read in one consistent "
                    + "snapshot, so the backup holds each transaction whole or not at all.",
                    "Progress (bytes, rate, tables being read) goes to standard error; the file's path, size and "
                            + "contents to standard output. A failed backup leaves no file behind."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:written", "1:failed (no file was written), or no cluster runs in HOME",
                    "2:usage error: FILE exists, the password file cannot be read, or the typed passwords differ",
                    "3:refused: the application schemas hold objects a backup cannot carry (the message names "
                            + "them); no file was written"})
    static final class Create implements Callable<Integer> {

        @ParentCommand
        private BackupCommand backup;

        @Option(names = "--output", paramLabel = "FILE",
                description = "Where to write the backup. Default: HOME/backups/backup-<UTC time>.backup")
        private Path output;

        @Option(names = "--no-storage", description = "Leave the storage directory out: the backup holds the "
                + "database only, and restoring it leaves the storage directory as it is then.")
        private boolean noStorage;

        @Option(names = "--password-file", paramLabel = "F",
                description = "Encrypt with the password on the first line of F (for scripts). Default: "
                        + "backup.password-file of pitstop.yml when set, else no encryption.")
        private Path passwordFile;

        @Option(names = "--encrypt", description = "Encrypt with a password typed at a prompt, twice.")
        private boolean encrypt;

        @Override
        public Integer call() {
            Path file = output != null ? output.toAbsolutePath().normalize() : backup.catalog().newFile(Instant.now());
            if (Files.exists(file)) {
                throw OperationException.invalid(file + " exists already: choose another --output or delete it first");
            }
            RunningCluster cluster = RunningCluster.open(backup.pitstop);
            PasswordSource password = passwordFile != null || encrypt
                    ? BackupPassword.toEncrypt(passwordFile) : backup.pitstop.config().backup().password();
            BackupOptions options = BackupOptions.defaults()
                    .withStorage(noStorage ? null : backup.pitstop.home().storageDir())
                    .withPassword(password)
                    .withProgress(ProgressDisplay.forConsole(null))
                    .withAppSchemas(backup.pitstop.config().applicationSchemas());
            BackupResult result;
            try {
                result = Backups.create(cluster.db(), file, options);
            } catch (UnsupportedObjectsException e) {
                throw OperationException.refused(e.getMessage());
            }
            Operator operator = backup.pitstop.operator(backup.spec);
            new AuditLog(cluster.controlDb()).record("backup create", file.getFileName().toString(), operator.actor(),
                    operator.origin(), "succeeded", null);
            System.out.printf("Backup written: %s (%s in %.1f s; %s)%n", result.file(),
                    ProgressUpdate.bytes(result.size()), result.elapsed().toMillis() / 1000.0,
                    contents(result.manifest(), Backups.label(result.file())));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the backups in HOME/backups, newest first: name, size, the release that made it, "
                    + "when, and whether it is encrypted. Reads only each file's header: 'verify' checks a whole file.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:listed", "1:the backups directory cannot be read"})
    static final class ListBackups implements Callable<Integer> {

        @ParentCommand
        private BackupCommand backup;

        @Override
        public Integer call() {
            List<BackupInfo> backups = backup.catalog().list();
            PrintStream out = System.out;
            if (backups.isEmpty()) {
                out.printf("No backups in %s (make one with: pitstop backup create)%n", backup.catalog().dir());
                return 0;
            }
            String format = "%-40s %10s %-12s %-21s %s%n";
            out.printf(format, "NAME", "SIZE", "RELEASE", "CREATED", "ENCRYPTED");
            for (BackupInfo info : backups) {
                if (info.problem() != null) {
                    out.printf("%-40s %10s unreadable: %s%n", info.name(), size(info.size()), info.problem());
                } else {
                    out.printf(format, info.name(), size(info.size()), info.release() == null ? "unknown" : info.release(),
                            info.createdAt().truncatedTo(ChronoUnit.SECONDS), info.encrypted() ? "yes" : "no");
                }
            }
            return 0;
        }

        private static String size(long bytes) {
            return bytes < 0 ? "?" : ProgressUpdate.bytes(bytes);
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Proves that a backup restores, without touching the cluster's data. First it reads the "
                    + "whole file and checks every chunk, every table's rows and every storage file against the "
                    + "checksums in the backup (an encrypted backup needs its password, and a wrong password is told "
                    + "apart from a damaged file). Then it replays the backup's definitions, in the order a restore "
                    + "runs them, into a scratch database made on the cluster's PostgreSQL server for this and "
                    + "always dropped afterwards; with --data it loads the rows there too, and builds the "
                    + "constraints and indexes over them. It fails on the first statement that does not replay, "
                    + "naming it and giving PostgreSQL's message.",
                    "The database user needs the right to create databases (CREATEDB); without it, name an empty "
                            + "database it may use as backup.scratch-database-url in pitstop.yml, where each replay "
                            + "runs in a transaction that is rolled back.",
                    "Every procedure replays the backups it depends on (before an upgrade, the safety backup before "
                            + "a restore, before a migration) the same way before it changes anything."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the backup is sound and restores",
                    "1:the file cannot be read, no cluster runs in HOME to replay it on, or no scratch database could "
                            + "be made (the message says what to grant or configure)",
                    "2:usage error: no such file or backup, or the password file cannot be read",
                    "3:the file is not a sound backup (damaged, truncated, not a backup at all), the password is "
                            + "wrong or missing, or it does not restore: the message says which, and where"})
    static final class Verify implements Callable<Integer> {

        @ParentCommand
        private BackupCommand backup;

        @Parameters(paramLabel = "FILE", description = "The backup: a path, or a name from 'pitstop backup list'.")
        private String file;

        @Option(names = "--password-file", paramLabel = "F",
                description = "The password of an encrypted backup, on the first line of F. Default: "
                        + "backup.password-file of pitstop.yml when set, else a prompt.")
        private Path passwordFile;

        @Option(names = "--data", description = "Load the rows into the scratch database too, as a restore does: "
                + "proves that they fit the constraints and indexes. It takes about as long as a restore, and as much "
                + "room in the database server; without it only the definitions are replayed, in seconds.")
        private boolean data;

        @Override
        public Integer call() {
            Path path = backup.backupFile(file);
            PasswordSource password = backup.toOpen(passwordFile, "Password of " + path.getFileName() + ": ");
            Manifest manifest;
            try {
                Backups.label(path);
                RunningCluster cluster = RunningCluster.open(backup.pitstop);
                manifest = Backups.replay(cluster.db(), path, ReplayOptions.definitions().withRows(data)
                        .withScratch(backup.pitstop.config().backup().scratch(cluster.db()))
                        .withAppSchemas(backup.pitstop.config().applicationSchemas())
                        .withPassword(password).withProgress(ProgressDisplay.forConsole(null)));
            } catch (InvalidBackupException e) {
                throw OperationException.refused(e.getMessage());
            } catch (BackupException e) {
                throw OperationException.failed(e.getMessage());
            }
            System.out.printf("%s is sound and restores (%s replayed): made %s by release %s on PostgreSQL %s; %s%n",
                    path, data ? "definitions and rows" : "definitions",
                    manifest.createdAt().truncatedTo(ChronoUnit.SECONDS),
                    manifest.release() == null ? "unknown" : manifest.release(), manifest.server().version(),
                    contents(manifest, Backups.label(path)));
            return 0;
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = {"Replaces all application data of the cluster — database and, if the backup has it, "
                    + "storage directory — with a backup's, as a journaled procedure:",
                    "  checks (refused with nothing changed: the file fails verification or the password is wrong, "
                            + "the backup was made by a newer release than the cluster runs, or the database server's "
                            + "version or encoding cannot take it, or its definitions do not replay into a scratch "
                            + "database) → confirmation (skipped with --yes) → status page "
                            + "up → every node drained and stopped → the current data saved in a safety backup, "
                            + "HOME/backups/before-restore-<UTC time>.backup, replayed to prove it restores → the "
                            + "restore, in one transaction → one "
                            + "node started and verified (ready, and the checks of pitstop.yml) → the others started "
                            + "→ status page down.",
                    "",
                    "A backup of an older release is restored, then upgraded by the first node to the release the "
                            + "cluster runs. A failure from the safety backup on rolls back by itself: the nodes start "
                            + "again on the data they had — a restore whose transaction failed changed nothing, so the "
                            + "safety backup is restored only if the restore committed. If the command is interrupted "
                            + "or an earlier step fails, --resume continues after the last completed step and "
                            + "--rollback brings every node back. To undo a restore that succeeded, restore the safety "
                            + "backup it names."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:restored: every node serves the backup's data (with --rollback: the data from before)",
                    "1:failed: the message says at which step and why, and either that it was rolled back (the "
                            + "cluster serves the data it had) or how to resume or roll back the open procedure",
                    "2:usage error: no such file or backup, options that exclude each other, no terminal to confirm on",
                    "3:refused, nothing was changed: the file fails verification, the password is wrong, the backup "
                            + "is from a newer release, the server's settings differ, it was not confirmed, or "
                            + "another procedure runs or is open"})
    static final class RestoreBackup implements Callable<Integer> {

        @ParentCommand
        private BackupCommand backup;

        @Spec
        private CommandSpec spec;

        @Parameters(paramLabel = "FILE", arity = "0..1",
                description = "The backup: a path, or a name from 'pitstop backup list'. Not with --resume or --rollback.")
        private String file;

        @Option(names = "--password-file", paramLabel = "F",
                description = "The password of an encrypted backup, on the first line of F. Default: "
                        + "backup.password-file of pitstop.yml when set, else a prompt. The safety backup is encrypted "
                        + "with backup.password-file when set, else with this password when the backup is encrypted.")
        private Path passwordFile;

        @Option(names = "--yes", description = "Do not ask for confirmation (for scripts).")
        private boolean yes;

        @Option(names = "--no-owner", description = "Leave the backup's owners out: every restored object belongs to "
                + "the database user of the cluster. For a server that lacks the backup's roles (a restore that needs "
                + "them is refused, naming them). As pg_restore's --no-owner.")
        private boolean noOwner;

        @Option(names = "--no-privileges", description = "Leave the backup's grants and default privileges out: only "
                + "owners may use the restored objects until you grant again. As pg_restore's --no-privileges.")
        private boolean noPrivileges;

        @Option(names = "--resume", description = "Continue the interrupted (or failed) restore after its last "
                + "completed step.")
        private boolean resume;

        @Option(names = "--rollback", description = "Undo the interrupted (or failed) restore: restore the safety "
                + "backup if the restore may have changed the data, start the nodes, take the status page down.")
        private boolean rollback;

        @Mixin
        private AbandonOption abandon;

        @Override
        public Integer call() {
            abandon.requireAlone(resume || rollback || file != null || yes || passwordFile != null);
            if (abandon.requested()) {
                abandon.abandon(ProcedureSession.open(backup.pitstop, spec), ProcedureKind.RESTORE);
                return 0;
            }
            boolean continuing = resume || rollback;
            if (resume && rollback) {
                throw OperationException.invalid("--resume and --rollback exclude each other; choose one");
            }
            if (continuing == (file != null)) {
                throw OperationException.invalid(continuing
                        ? "--resume and --rollback continue the open restore with its own file: leave FILE out"
                        : "which backup? give FILE, a path or a name from 'pitstop backup list'");
            }
            if (continuing && (noOwner || noPrivileges)) {
                throw OperationException.invalid("--no-owner and --no-privileges go with FILE: the open restore keeps "
                        + "what it was started with");
            }
            if (!continuing && !yes && System.console() == null) {
                throw OperationException.invalid("there is no terminal to confirm the restore on: add --yes");
            }
            Path path = continuing ? null : backup.backupFile(file);
            CurrentLine line = new CurrentLine(System.out);
            PrintStream out = new PrintStream(line, true);
            ProcedureSession procedures = ProcedureSession.open(backup.pitstop, spec, out);
            Restore restore = procedures.procedures().restore(backup.toOpen(passwordFile, "Backup password: "),
                    ProgressDisplay.forConsole(line));
            ProcedureRunner runner = procedures.runner();
            if (resume) {
                runner.resume(ProcedureKind.RESTORE, restore.resumable());
            } else if (rollback) {
                runner.rollback(ProcedureKind.RESTORE, restore.resumable());
            } else {
                if (noOwner || noPrivileges) {
                    out.println("Leaving out of the restore: " + (noOwner ? "owners (objects belong to the cluster's"
                            + " database user)" : "") + (noOwner && noPrivileges ? "; " : "")
                            + (noPrivileges ? "grants and default privileges" : ""));
                }
                runner.start(restore.of(path, procedures.runningRelease(), backup.catalog().dir(), !noOwner, !noPrivileges,
                        consequence -> yes || Confirmation.ask(spec, consequence)));
            }
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Deletes a backup from HOME/backups. It cannot be undone.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:deleted", "1:the file cannot be deleted", "2:no backup of that name in HOME/backups"})
    static final class Delete implements Callable<Integer> {

        @ParentCommand
        private BackupCommand backup;

        @Parameters(paramLabel = "NAME", description = "The backup's name, as 'pitstop backup list' shows it.")
        private String name;

        @Override
        public Integer call() {
            BackupCatalog catalog = backup.catalog();
            try {
                catalog.resolve(name);
            } catch (BackupException e) {
                throw OperationException.invalid(e.getMessage());
            }
            catalog.delete(name);
            System.out.printf("Deleted %s%n", catalog.dir().resolve(name));
            return 0;
        }
    }

    /** "3 tables, 1,204 rows; storage: 12 files, 3.1 MiB; encrypted". */
    static String contents(Manifest manifest, BackupLabel label) {
        List<Manifest.Entry> tables = manifest.tables();
        long rows = tables.stream().mapToLong(Manifest.Entry::rows).sum();
        List<Manifest.Entry> files = manifest.entries().stream().filter(e -> e.kind() == EntryKind.FILE).toList();
        long fileBytes = files.stream().mapToLong(Manifest.Entry::size).sum();
        return String.format(Locale.ROOT, "%d tables, %,d rows; %s; %s", tables.size(), rows,
                label.storage() ? "storage: " + files.size() + (files.size() == 1 ? " file, " : " files, ")
                        + ProgressUpdate.bytes(fileBytes)
                        : "without storage", label.encrypted() ? "encrypted" : "not encrypted");
    }
}
