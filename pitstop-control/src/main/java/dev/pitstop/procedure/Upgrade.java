package dev.pitstop.procedure;

import dev.pitstop.backup.BackupOptions;
import dev.pitstop.backup.Backups;
import dev.pitstop.backup.PasswordSource;
import dev.pitstop.backup.RestoreOptions;
import dev.pitstop.control.Cluster;
import dev.pitstop.control.Installations;
import dev.pitstop.control.ProcedureJournal;
import dev.pitstop.control.ProcedureRecord;
import dev.pitstop.control.StepState;
import dev.pitstop.db.DbSettings;
import dev.pitstop.driver.NodeDriver;
import dev.pitstop.driver.NodeStatus;
import dev.pitstop.driver.TrafficDriver;
import dev.pitstop.release.Release;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The version upgrade of the operations guide, one journaled procedure: status page up before
 * anything stops, drain and stop every node, a verified backup, switch the release, one node
 * upgrades the database (the nodes allow that only for the release authorised here) and is
 * verified, traffic returns to it, the others start and join as they become ready (the gateway and
 * the drivers route only to ready nodes). Any failure from the backup until traffic is back rolls
 * back by itself: the nodes stop, the backup is restored, the previous release starts and is
 * verified, traffic returns. Once traffic is back clients write to the new release, so a failure of
 * the other nodes stops there, the verified node serving: a rollback would lose those writes, and
 * is the operator's choice.
 */
public final class Upgrade {

    private static final int RETRY_AFTER_SECONDS = 60;
    /** The name of the backup step, which comes after the status page and the nodes' stop, before anything changes. */
    public static final String BACKUP_STEP = "back up the database and storage";
    private static final String PAGE_UP_STEP = "put the status page up";
    /** The step that ends the downtime, right after the first node of the new release is verified. */
    public static final String TRAFFIC_BACK_STEP = "take the status page down: traffic back to the cluster";

    private final NodeDriver nodes;
    private final TrafficDriver traffic;
    private final Cluster cluster;
    private final Installations installations;
    private final Verification verification;
    private final UpgradePreflight preflight;
    private final ProcedureJournal journal;
    private final DbSettings db;
    private final ProvenBackup backups;
    private final Path storage;
    private final PasswordSource backupPassword;
    private final Duration readyTimeout;

    /** @param backupPassword encrypts the backup taken before the upgrade; {@link PasswordSource#NONE} for none */
    public Upgrade(NodeDriver nodes, TrafficDriver traffic, Cluster cluster, Installations installations,
                   Verification verification, UpgradePreflight preflight, ProcedureJournal journal, DbSettings db,
                   ProvenBackup backups, Path storage, PasswordSource backupPassword, Duration readyTimeout) {
        this.nodes = nodes;
        this.traffic = traffic;
        this.cluster = cluster;
        this.installations = installations;
        this.verification = verification;
        this.preflight = preflight;
        this.journal = journal;
        this.db = db;
        this.backups = backups;
        this.storage = storage;
        this.backupPassword = backupPassword;
        this.readyTimeout = readyTimeout;
    }

    /**
     * A new upgrade of the cluster, which runs {@code current}, to {@code target}.
     *
     * @param backupDir where the backup taken before the upgrade goes
     * @param pause     whether to stop for the operator after the first node is verified
     */
    public Procedure to(Path target, Path current, Path backupDir, boolean pause) {
        Release to = readable(target);
        String from = installations.installedVersion().orElse("");
        return new Run(new Params(current, from, to.dir(), to.version(), backupFile(backupDir, from, to.version()),
                pause, nodes.nodeIds()));
    }

    /** Where the backup taken before an upgrade (offline or online) from {@code from} to {@code to} goes. */
    static Path backupFile(Path backupDir, String from, String to) {
        return backupDir.resolve("before-upgrade-" + from + "-to-" + to + "-" + System.currentTimeMillis() + ".backup");
    }

    /** The open upgrade, rebuilt from the journal. */
    public Resumable<Params> resumable() {
        return new Resumable<>(Params.class, Run::new);
    }

    /**
     * What an upgrade is started with.
     *
     * @param fromDir the release the cluster ran, which a rollback switches back to
     * @param backup  the backup taken before anything changes, which a rollback restores
     * @param pause   whether to stop for the operator after the first node is verified
     * @param nodes   the nodes, the first of which upgrades the database
     */
    public record Params(Path fromDir, String fromVersion, Path toDir, String toVersion, Path backup, boolean pause,
                         List<String> nodes) {
    }

    private static Release readable(Path dir) {
        try {
            return Release.open(dir);
        } catch (IllegalArgumentException e) {
            throw OperationException.refused("the target release cannot be read: " + e.getMessage());
        }
    }

    private final class Run implements Procedure {

        private final Params params;
        private final String from;
        private final String to;
        private final Path backup;
        private final boolean pause;
        private final List<String> ids;
        private final String first;
        private final List<String> others;
        private String downtime;
        /** Whether the rollback restores the backup: only once the database may have changed. */
        private boolean restores;
        /** Whether the rollback undoes an upgrade whose new release already took traffic. */
        private boolean servedNewRelease;

        Run(Params params) {
            this.params = params;
            this.from = params.fromVersion();
            this.to = params.toVersion();
            this.backup = params.backup();
            this.pause = params.pause();
            this.ids = List.copyOf(params.nodes());
            this.first = ids.get(0);
            this.others = ids.subList(1, ids.size());
        }

        @Override
        public ProcedureKind kind() {
            return ProcedureKind.UPGRADE;
        }

        @Override
        public String target() {
            return to;
        }

        @Override
        public Params params() {
            return params;
        }

        @Override
        public void preflight() {
            List<UpgradePreflight.Check> failed = preflight.run(readable(params.toDir()), from, backup.getParent())
                    .stream().filter(check -> !check.passed()).toList();
            if (!failed.isEmpty()) {
                throw OperationException.refused("upgrade to " + to + " refused: " + String.join("; ",
                        failed.stream().map(UpgradePreflight.Check::detail).toList()) + "; nothing was changed");
            }
        }

        @Override
        public List<ProcedureStep> steps() {
            List<ProcedureStep> steps = new ArrayList<>();
            steps.add(ProcedureStep.of(PAGE_UP_STEP, () -> traffic.showStatusPage(null, RETRY_AFTER_SECONDS)));
            steps.add(ProcedureStep.of("drain and stop " + Nodes.names(ids), () -> Nodes.stopAll(nodes, ids)));
            steps.add(ProcedureStep.of(BACKUP_STEP + " to " + backup.getFileName()
                    + ", verified and replayed to prove it restores", this::backUp));
            steps.add(ProcedureStep.of("switch the release to " + to, () -> switchRelease(params.toDir(), to)));
            steps.add(ProcedureStep.of("start " + first + " and wait until it has upgraded the database to " + to
                    + " and is ready", () -> startAndAwait(first)));
            steps.add(ProcedureStep.of("verify " + first + ": runs " + to + ", "
                    + verification.describe(params.toDir()), () -> verify(first, params.toDir())));
            if (pause) {
                steps.add(ProcedureStep.pause("verify through the gateway with the bypass header "
                        + Verification.BYPASS_HEADER + ", then resume or roll back"));
            }
            steps.add(ProcedureStep.of(TRAFFIC_BACK_STEP, this::trafficBack));
            if (!others.isEmpty()) {
                steps.add(ProcedureStep.of("start " + Nodes.names(others) + " and wait until ready (each joins "
                        + "the traffic once ready)", this::othersJoin));
            }
            return steps;
        }

        /** The place (from 1) of the step whose name starts with {@code name}. */
        private int position(String name) {
            List<ProcedureStep> steps = steps();
            for (int i = 0; i < steps.size(); i++) {
                if (steps.get(i).name().startsWith(name)) {
                    return i + 1;
                }
            }
            throw new IllegalStateException("the upgrade has no step " + name);
        }

        /**
         * A backup that cannot be taken or does not restore leaves the database untouched: the previous
         * release starts again. Everything after it, until traffic is back, is undone by restoring it,
         * at once. Once clients write to the new release, a restore would lose their writes: the
         * procedure stops instead, and rolling back is the operator's call.
         */
        @Override
        public boolean rollsBackOnFailureOf(int position) {
            return position >= position(BACKUP_STEP) && position <= position(TRAFFIC_BACK_STEP);
        }

        @Override
        public List<ProcedureStep> rollbackSteps(int completedSteps) {
            List<ProcedureStep> undo = new ArrayList<>();
            // Behind the status page, whatever step failed: traffic may be back already (or its step done
            // and not yet journaled when the operator's process died).
            undo.add(ProcedureStep.of(PAGE_UP_STEP, () -> traffic.showStatusPage(null, RETRY_AFTER_SECONDS)));
            servedNewRelease = completedSteps >= position(TRAFFIC_BACK_STEP);
            undo.add(ProcedureStep.of("drain and stop " + Nodes.names(ids), () -> Nodes.stopAll(nodes, ids)));
            restores = completedSteps >= position(BACKUP_STEP);
            if (restores) {
                undo.add(ProcedureStep.of("restore " + backup.getFileName(), this::restore));
            }
            undo.add(ProcedureStep.of("switch the release back to " + from, () -> switchRelease(params.fromDir(), null)));
            undo.add(ProcedureStep.of("start " + first + " and wait until ready", () -> startAndAwait(first)));
            undo.add(ProcedureStep.of("verify " + first + ": runs " + from + ", "
                    + verification.describe(params.fromDir()), () -> verify(first, params.fromDir())));
            if (!others.isEmpty()) {
                undo.add(ProcedureStep.of("start " + Nodes.names(others) + " and wait until ready",
                        () -> startAllAndAwait(others)));
            }
            undo.add(ProcedureStep.of(TRAFFIC_BACK_STEP, this::trafficBack));
            return undo;
        }

        @Override
        public String succeeded() {
            return "upgraded to " + to + ": every node runs " + to + " and serves; the backup taken before is "
                    + backup + downtime();
        }

        @Override
        public String rolledBack() {
            return restores
                    ? "rolled back to " + from + ": every node runs " + from + " and serves, with the data of " + backup
                    + (servedNewRelease ? " (what clients wrote while " + to + " served is not in it)" : "")
                    + downtime()
                    : "rolled back to " + from + " before anything changed: every node runs " + from + " and serves "
                    + "its data as before" + downtime();
        }

        /** Idempotent: a backup that exists and verifies was made by this step before a crash. */
        private void backUp() {
            backups.take(backup, BackupOptions.defaults().withStorage(storage).withRelease(from)
                    .withPassword(backupPassword), "the upgrade to " + to);
        }

        private void restore() {
            Backups.restore(db, backup, RestoreOptions.forRelease(from).withStorage(storage)
                    .withAppSchemas(backups.appSchemas()).withPassword(backupPassword));
            if (!installations.installedVersion().orElse("").equals(from)) {
                installations.complete(installations.begin("rollback", from, "pitstop upgrade --rollback"));
            }
        }

        /** Nodes started from now on run {@code releaseDir}; only {@code upgradeTo} may change the database. */
        private void switchRelease(Path releaseDir, String upgradeTo) {
            nodes.useRelease(Release.open(releaseDir));
            cluster.setUpgradeTarget(upgradeTo);
        }

        private void startAndAwait(String id) {
            nodes.start(id);
            nodes.awaitReady(id, readyTimeout);
        }

        private void startAllAndAwait(List<String> ids) {
            ids.forEach(nodes::start);
            Nodes.awaitAllReady(nodes, ids, readyTimeout);
        }

        /** After traffic is back: a failure says what serves meanwhile and what a rollback would cost. */
        private void othersJoin() {
            try {
                startAllAndAwait(others);
            } catch (RuntimeException e) {
                throw OperationException.failed(e.getMessage() + "; meanwhile " + first + " serves " + to + " alone;"
                        + " a rollback would restore the backup taken before the upgrade, without what clients wrote"
                        + " since");
            }
        }

        private void trafficBack() {
            traffic.backToCluster();
            cluster.setUpgradeTarget(null);
        }

        private void verify(String id, Path releaseDir) {
            NodeStatus node = nodes.nodes().stream().filter(n -> n.id().equals(id)).findFirst()
                    .orElseThrow(() -> OperationException.failed(id + " is not known to the node driver"));
            verification.verifyRuns(node, Release.open(releaseDir), preflight::enabledPlugins);
        }

        /**
         * From the status page going up to traffic back, read from the journal so a resumed run counts
         * it all; measured once, while the procedure is still open, and kept for the final report.
         * Traffic is back at the end of the last run of that step (the others start after it); a
         * rollback ends with it, now.
         */
        private String downtime() {
            if (downtime == null) {
                downtime = journal.open()
                        .map(open -> String.format(Locale.ROOT, "; downtime (status page up to traffic back): %.1f s",
                                Duration.between(open.startedAt(), trafficBackAt(open)).toMillis() / 1000.0))
                        .orElse("");
            }
            return downtime;
        }

        private Instant trafficBackAt(ProcedureRecord open) {
            if (open.rollingBack()) {
                return Instant.now();
            }
            return open.steps().stream()
                    .filter(step -> !step.rollback() && step.state() == StepState.DONE && step.endedAt() != null
                            && step.name().equals(TRAFFIC_BACK_STEP))
                    .map(ProcedureRecord.StepRecord::endedAt)
                    .max(Instant::compareTo)
                    .orElseGet(Instant::now);
        }
    }
}
