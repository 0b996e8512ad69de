package dev.pitstop.procedure;

import dev.pitstop.backup.BackupOptions;
import dev.pitstop.backup.PasswordSource;
import dev.pitstop.backup.Progress;
import dev.pitstop.control.Cluster;
import dev.pitstop.db.DbSettings;
import dev.pitstop.migration.MigrationException;
import dev.pitstop.migration.MigrationRefusedException;
import dev.pitstop.migration.Migrations;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The application of a migration file to the cluster, as the operations guide's in-app
 * maintenance: inside a maintenance window — the open one, or one this procedure opens and closes
 * with {@link MaintenanceWindow}'s own steps — a backup of the current data, then the migration in
 * one transaction ({@link Migrations#apply}), which verifies itself and writes the migration log.
 * Everything that can refuse is checked first, by running the whole migration in a transaction
 * that is rolled back. A failure of the backup or the migration changes no data; the window this
 * procedure opened is undone by itself.
 *
 * <p>An application that reads its configuration only as it starts (a release whose nodes are
 * processes, like NocoBase: Pitstop cannot know what it caches) has its serving nodes restarted after
 * the migration, before the window's verification, so that what is verified serves the new configuration.
 *
 * <p>The values given for missing environment variables and secrets are not journaled: a resume
 * needs them again.
 */
public final class MigrationApply {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final MaintenanceWindow window;
    private final Cluster cluster;
    private final DbSettings db;
    private final ProvenBackup backups;
    private final Path storage;
    private final PasswordSource backupPassword;
    private final Progress progress;

    /**
     * @param backups        takes the backup before the migration and proves it restores
     * @param storage        the storage directory, carried by the backup taken first
     * @param backupPassword encrypts that backup; {@link PasswordSource#NONE} for none
     * @param progress       shown while that backup is written
     */
    public MigrationApply(MaintenanceWindow window, Cluster cluster, DbSettings db, ProvenBackup backups, Path storage,
                          PasswordSource backupPassword, Progress progress) {
        this.window = window;
        this.cluster = cluster;
        this.db = db;
        this.backups = backups;
        this.storage = storage;
        this.backupPassword = backupPassword;
        this.progress = progress;
    }

    /**
     * A new application of {@code file}.
     *
     * @param page         whether a window this procedure opens puts the status page up
     * @param restartNodes whether the nodes that serve the window are restarted after the migration, for an
     *                     application that reads its configuration only as it starts
     * @param confirm      asked, once the checks passed, whether to go ahead; it is told what will happen
     */
    public Procedure of(Path file, Path backupsDir, Migrations.Options options, boolean page, boolean restartNodes,
                        Predicate<String> confirm) {
        Path backup = backupsDir.toAbsolutePath().normalize()
                .resolve("before-migration-" + STAMP.format(Instant.now()) + ".backup");
        MaintenanceWindow.BeginParams opens = cluster.policy().windowOpen() ? null : window.beginning(page);
        List<String> restart = !restartNodes ? List.of() : opens != null ? List.of(opens.keep()) : window.running();
        return new Run(new Params(file.toAbsolutePath().normalize(), backup, options.allowMissingPlugins(), opens,
                restart), options, confirm);
    }

    /** The open application, rebuilt from the journal; {@code values} as given again (they are not journaled). */
    public Resumable<Params> resumable(Migrations.Options values) {
        return new Resumable<>(Params.class, params -> new Run(params, values, consequence -> true));
    }

    /**
     * What an application is started with.
     *
     * @param backup the backup taken before the file is applied, which a failure restores
     * @param window  the window this application opens for itself and closes after; null when one was open
     * @param restart the nodes restarted after the file is applied, for an application that reads its
     *                configuration only as it starts; empty for none
     */
    public record Params(Path file, Path backup, boolean allowMissingPlugins, MaintenanceWindow.BeginParams window,
                         List<String> restart) {
    }

    private final class Run implements Procedure {

        private final Params params;
        private final Migrations.Options options;
        private final Predicate<String> confirm;
        private final Path file;
        private final Path backup;
        private final Procedure begin;
        private Migrations.Report report;

        Run(Params params, Migrations.Options values, Predicate<String> confirm) {
            this.params = params;
            this.options = params.allowMissingPlugins() ? values.allowingMissingPlugins() : values;
            this.confirm = confirm;
            this.file = params.file();
            this.backup = params.backup();
            this.begin = params.window() == null ? null : window.begin(params.window());
        }

        @Override
        public ProcedureKind kind() {
            return ProcedureKind.MIGRATION_APPLY;
        }

        @Override
        public String target() {
            return file.getFileName().toString();
        }

        @Override
        public Params params() {
            return params;
        }

        @Override
        public void preflight() {
            if (begin != null) {
                begin.preflight();
            }
            Migrations.Report preview = check();
            String consequence = "This applies " + target() + " (release " + preview.sourceRelease() + ") to the cluster: "
                    + changedTables(preview) + " tables change, " + preview.statements().size() + " schema statements run"
                    + (begin != null ? "; the cluster is scaled down to one node meanwhile" : "")
                    + (params.restart().isEmpty() ? "" : "; " + String.join(", ", params.restart())
                    + " then restart to read the new configuration") + ". The current data "
                    + "is saved first in " + backup.getFileName() + " ('pitstop migration check " + target()
                    + "' shows every change).";
            if (!confirm.test(consequence)) {
                throw OperationException.refused("the migration was not confirmed; nothing was changed");
            }
        }

        private Migrations.Report check() {
            try {
                return Migrations.check(db, file, options);
            } catch (MigrationRefusedException e) {
                throw OperationException.refused(e.getMessage());
            } catch (MigrationException e) {
                throw OperationException.failed(e.getMessage());
            }
        }

        @Override
        public List<ProcedureStep> steps() {
            List<ProcedureStep> steps = new ArrayList<>();
            if (begin != null) {
                steps.addAll(begin.steps());
            }
            steps.add(ProcedureStep.of("save the current data in " + backup.getFileName()
                    + ", replayed to prove it restores", this::saveCurrentData));
            steps.add(ProcedureStep.of("apply " + target() + " in one transaction, verified and logged", this::apply));
            if (!params.restart().isEmpty()) {
                steps.add(window.restartInPlace(params.restart(), "so that the application reads its new configuration"));
            }
            if (begin != null) {
                steps.addAll(window.endOf(params.window()).steps());
            }
            return steps;
        }

        /** The backup and the migration change no data when they fail; the window opened for them is undone. */
        @Override
        public boolean rollsBackOnFailureOf(int position) {
            int firstOwnStep = begin == null ? 1 : begin.steps().size() + 1;
            return position == firstOwnStep || position == firstOwnStep + 1;
        }

        @Override
        public List<ProcedureStep> rollbackSteps(int completedSteps) {
            return begin == null ? List.of() : begin.rollbackSteps(completedSteps);
        }

        /** The step may have run before, and been interrupted after the file was complete. */
        private void saveCurrentData() {
            backups.take(backup, BackupOptions.defaults().withStorage(storage).withPassword(backupPassword)
                    .withProgress(progress), "the migration " + target());
        }

        private void apply() {
            try {
                report = Migrations.apply(db, file, options, backup.getFileName().toString());
            } catch (MigrationRefusedException e) {
                throw OperationException.refused(e.getMessage());
            }
        }

        @Override
        public String succeeded() {
            return "applied " + target() + (report == null ? "" : ": " + changedTables(report) + " tables changed, "
                    + report.statements().size() + " schema statements ran") + "; 'pitstop migration logs' shows what it "
                    + "did; the data from before is in " + backup + " (to go back: pitstop backup restore "
                    + backup.getFileName() + ")";
        }

        @Override
        public String rolledBack() {
            return "the migration " + target() + " changed nothing" + (begin != null
                    ? "; the maintenance window it opened was undone and every node serves again" : "");
        }
    }

    private static long changedTables(Migrations.Report report) {
        return report.tables().stream().filter(t -> t.inserted() + t.updated() + t.deleted() > 0).count();
    }
}
