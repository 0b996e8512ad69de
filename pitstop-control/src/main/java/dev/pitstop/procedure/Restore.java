package dev.pitstop.procedure;

import dev.pitstop.backup.BackupException;
import dev.pitstop.backup.BackupOptions;
import dev.pitstop.backup.Backups;
import dev.pitstop.backup.PasswordSource;
import dev.pitstop.backup.Progress;
import dev.pitstop.backup.RestoreOptions;
import dev.pitstop.backup.format.BackupLabel;
import dev.pitstop.control.Cluster;
import dev.pitstop.control.NodeState;
import dev.pitstop.control.ProcedureJournal;
import dev.pitstop.control.StepState;
import dev.pitstop.db.DbSettings;
import dev.pitstop.driver.NodeDriver;
import dev.pitstop.driver.NodeStatus;
import dev.pitstop.driver.TrafficDriver;
import dev.pitstop.release.Versions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The restore of a backup into the cluster, as the operations guide's in-app maintenance: the
 * status page goes up, every node stops, the current data is saved in a safety backup, the backup
 * is restored (one transaction, and the storage directory swapped whole), one node starts and is
 * verified, the others start, traffic returns. Everything that can refuse — the file's
 * verification, its release, the server's settings, the operator's confirmation — is checked
 * before anything changes. A rollback restores the safety backup.
 *
 * <p>A backup made by an older release is restored as such, and the first node, which runs the
 * cluster's release, is authorised to upgrade it (see the nodes' installer).
 */
public final class Restore {

    private static final String PAGE_DOWN_STEP = "take the status page down";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final NodeDriver nodes;
    private final TrafficDriver traffic;
    private final Cluster cluster;
    private final Verification verification;
    private final DbSettings db;
    private final ProcedureJournal journal;
    private final ProvenBackup backups;
    private final Path storage;
    private final PasswordSource password;
    private final PasswordSource backupPassword;
    private final Progress progress;
    private final Duration readyTimeout;

    /**
     * @param journal  tells a rollback whether the restore's transaction failed, and so changed nothing
     * @param backups  proves that the backup to restore and the safety backup restore
     * @param storage  the cluster's storage directory, replaced when a backup carries one
     * @param password       opens an encrypted backup, and encrypts the safety backup taken before it is
     *                       restored unless the cluster has a backup password; asked only for an encrypted backup
     * @param backupPassword the cluster's backup password, which encrypts the safety backup;
     *                       {@link PasswordSource#NONE} when the cluster has none
     * @param progress       shown while the safety backup is written and the backup verified and restored
     */
    public Restore(NodeDriver nodes, TrafficDriver traffic, Cluster cluster, Verification verification, DbSettings db,
                   ProcedureJournal journal, ProvenBackup backups, Path storage, PasswordSource password,
                   PasswordSource backupPassword, Progress progress, Duration readyTimeout) {
        this.nodes = nodes;
        this.traffic = traffic;
        this.cluster = cluster;
        this.verification = verification;
        this.db = db;
        this.journal = journal;
        this.backups = backups;
        this.storage = storage;
        this.password = password;
        this.backupPassword = backupPassword;
        this.progress = progress;
        this.readyTimeout = readyTimeout;
    }

    /**
     * A new restore of {@code file} into the cluster, whose nodes run {@code runningRelease}.
     *
     * @param backupsDir where the safety backup of the current data goes
     * @param confirm    asked, once the checks passed, whether to go ahead; it is told what will happen
     * @throws OperationException (refused) when {@code file} is not a backup
     */
    public Procedure of(Path file, String runningRelease, Path backupsDir, Predicate<String> confirm) {
        return of(file, runningRelease, backupsDir, true, true, confirm);
    }

    /**
     * The restore of {@code file}, leaving out the backup's owners or grants when told (as
     * pg_restore's {@code --no-owner} and {@code --no-privileges}); the safety backup is always
     * restored whole.
     */
    public Procedure of(Path file, String runningRelease, Path backupsDir, boolean owners, boolean privileges,
                        Predicate<String> confirm) {
        BackupLabel label;
        try {
            label = Backups.label(file);
        } catch (BackupException e) {
            throw OperationException.refused(e.getMessage() + "; nothing was changed");
        }
        List<NodeStatus> all = nodes.nodes();
        return new Run(new Params(file.toAbsolutePath().normalize(), label.encrypted(), label.storage(),
                label.release() == null ? "" : label.release(), runningRelease,
                backupsDir.toAbsolutePath().normalize().resolve("before-restore-" + STAMP.format(Instant.now()) + ".backup"),
                !traffic.statusPageShown(), all.stream().map(NodeStatus::id).toList(),
                all.stream().filter(n -> n.state() != NodeState.STOPPED).map(NodeStatus::id).toList(),
                owners, privileges), label, confirm);
    }

    /** The open restore, rebuilt from the journal: the operator confirmed it when it started. */
    public Resumable<Params> resumable() {
        return new Resumable<>(Params.class, params -> new Run(params, null, consequence -> true));
    }

    /**
     * What a restore is started with.
     *
     * @param encrypted     whether the backup is encrypted (then so is the safety backup, with the same password)
     * @param storage       whether the backup holds the storage directory (then the safety backup does too)
     * @param backupRelease the release that made the backup; empty when its label does not say
     * @param safetyBackup  where the current data is saved first, which a rollback restores
     * @param page          whether the restore puts the status page up (it was not up already)
     * @param stop          the nodes stopped for the restore
     * @param start         the nodes started again after it: those that were running
     * @param owners        whether the backup's owners are restored (pg_restore's --no-owner when not)
     * @param privileges    whether its grants are restored (--no-privileges when not)
     */
    public record Params(Path file, boolean encrypted, boolean storage, String backupRelease, String runningRelease,
                         Path safetyBackup, boolean page, List<String> stop, List<String> start, boolean owners,
                         boolean privileges) {
    }

    private final class Run implements Procedure {

        private final Params params;
        private final BackupLabel label;
        private final Predicate<String> confirm;
        private final Path file;
        private final Path safety;
        private final String backupRelease;
        private final String runningRelease;
        private final boolean page;
        private final List<String> stop;
        private final List<String> start;

        Run(Params params, BackupLabel label, Predicate<String> confirm) {
            this.params = params;
            this.label = label;
            this.confirm = confirm;
            this.file = params.file();
            this.safety = params.safetyBackup();
            this.backupRelease = params.backupRelease();
            this.runningRelease = params.runningRelease();
            this.page = params.page();
            this.stop = List.copyOf(params.stop());
            this.start = List.copyOf(params.start());
        }

        @Override
        public ProcedureKind kind() {
            return ProcedureKind.RESTORE;
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
            if (start.isEmpty()) {
                throw OperationException.refused("no node runs, so none could be verified on the restored data; "
                        + "start the cluster first (see: pitstop status); nothing was changed");
            }
            try {
                Backups.checkRestore(db, file, fileOptions());
            } catch (BackupException e) {
                throw OperationException.refused(e.getMessage());
            }
            try {
                backups.prove(file, password, "the backup " + target());
            } catch (OperationException e) {
                throw OperationException.refused("restore of " + file + " refused, nothing was changed: "
                        + e.getMessage());
            }
            String consequence = "This replaces all application data of the cluster with the backup " + target()
                    + " (made " + label.createdAt().truncatedTo(ChronoUnit.SECONDS) + " by release "
                    + (backupRelease.isEmpty() ? "unknown" : backupRelease) + "): every node stops meanwhile, and "
                    + "the current data is saved first in " + safety.getFileName() + ".";
            if (!confirm.test(consequence)) {
                throw OperationException.refused("the restore was not confirmed; nothing was changed");
            }
        }

        @Override
        public List<ProcedureStep> steps() {
            String first = start.get(0);
            List<String> others = start.subList(1, start.size());
            List<ProcedureStep> steps = new ArrayList<>(takeDown());
            steps.add(ProcedureStep.of("save the current data in the safety backup " + safety.getFileName()
                    + ", replayed to prove it restores", this::saveCurrentData));
            steps.add(ProcedureStep.of("restore " + target(), () -> Backups.restore(db, file, fileOptions())));
            if (upgrades()) {
                steps.add(ProcedureStep.of("authorise " + first + " to upgrade the restored data from release "
                        + backupRelease + " to " + runningRelease, () -> cluster.setUpgradeTarget(runningRelease)));
            }
            steps.add(ProcedureStep.of("start " + first + " and wait until it is ready",
                    () -> Nodes.startAndAwaitReady(nodes, List.of(first), readyTimeout)));
            steps.add(ProcedureStep.of("verify " + first + ": " + verification.describe(), () -> verify(first)));
            // Traffic back as soon as one node serves the restored data: the others join as they become
            // ready, since the gateway and the drivers route to ready nodes only.
            if (page) {
                steps.add(ProcedureStep.of(PAGE_DOWN_STEP, traffic::backToCluster));
            }
            if (!others.isEmpty()) {
                steps.add(ProcedureStep.of("start " + Nodes.names(others) + " and wait until ready (each joins "
                        + "the traffic once ready)", () -> Nodes.startAndAwaitReady(nodes, others, readyTimeout)));
            }
            return steps;
        }

        /** The steps before the safety backup: the cluster taken down. */
        private List<ProcedureStep> takeDown() {
            List<ProcedureStep> steps = new ArrayList<>();
            if (page) {
                steps.add(ProcedureStep.of("put the status page up (operators pass with the bypass token)",
                        () -> traffic.showStatusPage(null, MaintenanceWindow.RETRY_AFTER_SECONDS)));
            }
            steps.add(ProcedureStep.of("drain and stop " + Nodes.names(stop), () -> Nodes.stopAll(nodes, stop)));
            return steps;
        }

        /**
         * From the safety backup on, a failure rolls back at once: before the restore there is nothing
         * to undo but the stopped nodes; after it, the safety backup is restored. Once this procedure
         * took its status page down clients write to the restored data, which a rollback would lose:
         * a failure of the other nodes then stops there, and rolling back is the operator's call.
         */
        @Override
        public boolean rollsBackOnFailureOf(int position) {
            return position > takeDown().size() && (!page || position <= pageDownPosition());
        }

        /** The place (from 1) of the step that takes the status page down; only when {@code page}. */
        private int pageDownPosition() {
            return steps().stream().map(ProcedureStep::name).toList().indexOf(PAGE_DOWN_STEP) + 1;
        }

        /**
         * The undo is idempotent: the safety backup back once it was taken — unless the restore
         * failed, which rolled its one transaction back and changed nothing (the restore may also
         * have committed just before the operator's process died: then it is restored).
         */
        @Override
        public List<ProcedureStep> rollbackSteps(int completedSteps) {
            List<ProcedureStep> undo = new ArrayList<>();
            // Behind the status page, whatever step failed: this procedure may have taken it down already
            // (or done so and not yet journaled it when the operator's process died).
            if (page) {
                undo.add(ProcedureStep.of("put the status page up (operators pass with the bypass token)",
                        () -> traffic.showStatusPage(null, MaintenanceWindow.RETRY_AFTER_SECONDS)));
            }
            undo.add(ProcedureStep.of("drain and stop " + Nodes.names(stop), () -> Nodes.stopAll(nodes, stop)));
            if (completedSteps > takeDown().size()) {
                undo.add(ProcedureStep.of("restore the safety backup " + safety.getFileName() + " (not needed if the "
                        + "restore of " + target() + " failed: it changed nothing)", () -> {
                            if (!restoreFailed()) {
                                restore(safety, safetyPassword());
                            }
                        }));
            }
            if (upgrades()) {
                undo.add(ProcedureStep.of("withdraw the upgrade authorisation", () -> cluster.setUpgradeTarget(null)));
            }
            undo.add(ProcedureStep.of("start " + Nodes.names(start) + " and wait until ready",
                    () -> Nodes.startAndAwaitReady(nodes, start, readyTimeout)));
            if (page) {
                undo.add(ProcedureStep.of(PAGE_DOWN_STEP, traffic::backToCluster));
            }
            return undo;
        }

        @Override
        public String succeeded() {
            return "restored " + target() + ": every node serves its data"
                    + (upgrades() ? ", upgraded from release " + backupRelease + " to " + runningRelease : "")
                    + "; the data from before is in " + safety + " (to go back: pitstop backup restore "
                    + safety.getFileName() + ")";
        }

        @Override
        public String rolledBack() {
            return "the restore of " + target() + " was rolled back: the cluster serves the data it had before";
        }

        /** The step may have run before, and been interrupted after the file was complete. */
        private void saveCurrentData() {
            backups.take(safety, BackupOptions.defaults()
                    .withStorage(params.storage() ? storage : null)
                    .withPassword(safetyPassword())
                    .withProgress(progress), "the restore of " + target());
        }

        /**
         * Whether the restore step's last run failed: a restore that throws has rolled back its one
         * transaction. An interrupted run (the operator's process died) may have committed.
         */
        private boolean restoreFailed() {
            int position = takeDown().size() + 2;
            return journal.open().stream().flatMap(open -> open.steps().stream())
                    .filter(step -> !step.rollback() && step.position() == position)
                    .reduce((first, second) -> second)
                    .map(step -> step.state() == StepState.FAILED).orElse(false);
        }

        private PasswordSource safetyPassword() {
            if (backupPassword != PasswordSource.NONE) {
                return backupPassword;
            }
            return params.encrypted() ? password : PasswordSource.NONE;
        }

        private void restore(Path backup, PasswordSource opensIt) {
            Backups.restore(db, backup, restoreOptions(opensIt));
        }

        private RestoreOptions restoreOptions(PasswordSource opensIt) {
            return RestoreOptions.forRelease(runningRelease).withStorage(storage).withPassword(opensIt)
                    .withProgress(progress).withAppSchemas(backups.appSchemas());
        }

        /** The restored file's options: owners and grants as the operator chose. */
        private RestoreOptions fileOptions() {
            RestoreOptions options = restoreOptions(password);
            if (!params.owners()) {
                options = options.withoutOwners();
            }
            if (!params.privileges()) {
                options = options.withoutPrivileges();
            }
            return options;
        }

        private void verify(String id) {
            NodeStatus node = nodes.nodes().stream().filter(n -> n.id().equals(id)).findFirst()
                    .orElseThrow(() -> OperationException.failed(id + " is no longer one of the cluster's nodes"));
            verification.verify(node);
            if (upgrades()) {
                // The node has upgraded the data; no other node needs the authorisation.
                cluster.setUpgradeTarget(null);
            }
        }

        private boolean upgrades() {
            return !backupRelease.isEmpty() && Versions.compare(backupRelease, runningRelease) < 0;
        }
    }
}
