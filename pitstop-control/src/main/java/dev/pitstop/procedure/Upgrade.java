package dev.pitstop.procedure;

import dev.pitstop.backup.BackupOptions;
import dev.pitstop.backup.Backups;
import dev.pitstop.backup.PasswordSource;
import dev.pitstop.backup.RestoreOptions;
import dev.pitstop.control.Cluster;
import dev.pitstop.control.Installations;
import dev.pitstop.control.ProcedureJournal;
import dev.pitstop.control.ProcedureRecord;
import dev.pitstop.db.DbSettings;
import dev.pitstop.driver.NodeDriver;
import dev.pitstop.driver.NodeStatus;
import dev.pitstop.driver.TrafficDriver;
import dev.pitstop.release.Release;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The version upgrade of the operations guide, one journaled procedure: status page up before
 * anything stops, drain and stop every node, a verified backup, switch the release, one node
 * upgrades the database (the nodes allow that only for the release authorised here) and is
 * verified, the others start, traffic returns. Any failure after the backup rolls back by itself:
 * the nodes stop, the backup is restored, the previous release starts and is verified, traffic
 * returns.
 */
public final class Upgrade {

    private static final int RETRY_AFTER_SECONDS = 60;
    private static final String FROM_DIR = "from";
    private static final String FROM_VERSION = "from-version";
    private static final String TO_DIR = "to";
    private static final String TO_VERSION = "to-version";
    private static final String BACKUP = "backup";
    private static final String PAUSE = "pause";
    private static final String NODES = "nodes";
    /** The backup's place: after the status page and the nodes' stop, before anything changes. */
    public static final int BACKUP_STEP = 3;

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
        String file = backupDir.resolve("before-upgrade-" + from + "-to-" + to.version() + "-"
                + System.currentTimeMillis() + ".backup").toString();
        Map<String, String> params = new LinkedHashMap<>();
        params.put(FROM_DIR, current.toString());
        params.put(FROM_VERSION, from);
        params.put(TO_DIR, to.dir().toString());
        params.put(TO_VERSION, to.version());
        params.put(BACKUP, file);
        params.put(PAUSE, String.valueOf(pause));
        params.put(NODES, String.join(",", nodes.nodeIds()));
        return new Run(params);
    }

    /** The upgrade started with {@code params}, as journaled. */
    public Procedure resumed(Map<String, String> params) {
        return new Run(params);
    }

    private static Release readable(Path dir) {
        try {
            return Release.open(dir);
        } catch (IllegalArgumentException e) {
            throw OperationException.refused("the target release cannot be read: " + e.getMessage());
        }
    }

    private final class Run implements Procedure {

        private final Map<String, String> params;
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

        Run(Map<String, String> params) {
            this.params = Map.copyOf(params);
            this.from = params.get(FROM_VERSION);
            this.to = params.get(TO_VERSION);
            this.backup = Path.of(params.get(BACKUP));
            this.pause = Boolean.parseBoolean(params.get(PAUSE));
            this.ids = List.of(params.get(NODES).split(","));
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
        public Map<String, String> params() {
            return params;
        }

        @Override
        public void preflight() {
            List<UpgradePreflight.Check> failed = preflight.run(readable(Path.of(params.get(TO_DIR))), from, backup.getParent())
                    .stream().filter(check -> !check.passed()).toList();
            if (!failed.isEmpty()) {
                throw OperationException.refused("upgrade to " + to + " refused: " + String.join("; ",
                        failed.stream().map(UpgradePreflight.Check::detail).toList()) + "; nothing was changed");
            }
        }

        @Override
        public List<ProcedureStep> steps() {
            List<ProcedureStep> steps = new ArrayList<>();
            steps.add(ProcedureStep.of("put the status page up", () -> traffic.showStatusPage(null, RETRY_AFTER_SECONDS)));
            steps.add(ProcedureStep.of("drain and stop " + Nodes.names(ids), () -> Nodes.stopAll(nodes, ids)));
            steps.add(ProcedureStep.of("back up the database and storage to " + backup.getFileName()
                    + ", verified and replayed to prove it restores", this::backUp));
            steps.add(ProcedureStep.of("switch the release to " + to, () -> switchRelease(params.get(TO_DIR), to)));
            steps.add(ProcedureStep.of("start " + first + " and wait until it has upgraded the database to " + to
                    + " and is ready", () -> startAndAwait(first)));
            steps.add(ProcedureStep.of("verify " + first + ": runs " + to + ", "
                    + verification.describe(), () -> verify(first, params.get(TO_DIR))));
            if (pause) {
                steps.add(ProcedureStep.pause("verify through the gateway with the bypass header "
                        + Verification.BYPASS_HEADER + ", then resume or roll back"));
            }
            if (!others.isEmpty()) {
                steps.add(ProcedureStep.of("start " + Nodes.names(others) + " and wait until ready",
                        () -> startAllAndAwait(others)));
            }
            steps.add(ProcedureStep.of("take the status page down: traffic back to the cluster", this::trafficBack));
            return steps;
        }

        /**
         * A backup that cannot be taken or does not restore leaves the database untouched: the previous
         * release starts again. Everything after it is undone by restoring it. Either way at once.
         */
        @Override
        public boolean rollsBackOnFailureOf(int position) {
            return position >= BACKUP_STEP;
        }

        @Override
        public List<ProcedureStep> rollbackSteps(int completedSteps) {
            List<ProcedureStep> undo = new ArrayList<>();
            undo.add(ProcedureStep.of("drain and stop " + Nodes.names(ids), () -> Nodes.stopAll(nodes, ids)));
            restores = completedSteps >= BACKUP_STEP;
            if (restores) {
                undo.add(ProcedureStep.of("restore " + backup.getFileName(), this::restore));
            }
            undo.add(ProcedureStep.of("switch the release back to " + from, () -> switchRelease(params.get(FROM_DIR), null)));
            undo.add(ProcedureStep.of("start " + first + " and wait until ready", () -> startAndAwait(first)));
            undo.add(ProcedureStep.of("verify " + first + ": runs " + from + ", "
                    + verification.describe(), () -> verify(first, params.get(FROM_DIR))));
            if (!others.isEmpty()) {
                undo.add(ProcedureStep.of("start " + Nodes.names(others) + " and wait until ready",
                        () -> startAllAndAwait(others)));
            }
            undo.add(ProcedureStep.of("take the status page down: traffic back to the cluster", this::trafficBack));
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
        private void switchRelease(String releaseDir, String upgradeTo) {
            nodes.useRelease(Release.open(Path.of(releaseDir)));
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

        private void trafficBack() {
            traffic.backToCluster();
            cluster.setUpgradeTarget(null);
        }

        private void verify(String id, String releaseDir) {
            NodeStatus node = nodes.nodes().stream().filter(n -> n.id().equals(id)).findFirst()
                    .orElseThrow(() -> OperationException.failed(id + " is not known to the node driver"));
            verification.verifyRuns(node, Release.open(Path.of(releaseDir)), preflight::enabledPlugins);
        }

        /**
         * From the status page going up to traffic back, read from the journal so a resumed run counts
         * it all; measured once, while the procedure is still open, and kept for the final report.
         */
        private String downtime() {
            if (downtime == null) {
                downtime = journal.open().map(ProcedureRecord::startedAt)
                        .map(start -> String.format(Locale.ROOT, "; downtime (status page up to traffic back): %.1f s",
                                Duration.between(start, Instant.now()).toMillis() / 1000.0))
                        .orElse("");
            }
            return downtime;
        }
    }
}
