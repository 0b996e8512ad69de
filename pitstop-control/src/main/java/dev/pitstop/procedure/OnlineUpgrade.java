package dev.pitstop.procedure;

import dev.pitstop.backup.BackupOptions;
import dev.pitstop.backup.PasswordSource;
import dev.pitstop.control.Installations;
import dev.pitstop.control.MixedReleases;
import dev.pitstop.control.NodeRegistry;
import dev.pitstop.db.Database;
import dev.pitstop.db.DbSettings;
import dev.pitstop.driver.NodeDriver;
import dev.pitstop.driver.NodeStatus;
import dev.pitstop.driver.Replacement;
import dev.pitstop.driver.TrafficDriver;
import dev.pitstop.lint.SqlParser;
import dev.pitstop.release.MigrationPhase;
import dev.pitstop.release.MigrationSet;
import dev.pitstop.release.Release;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The online upgrade: the cluster keeps serving while its nodes are replaced one at a time. A
 * verified backup taken while serving; the pair of releases allowed to serve together recorded;
 * the expand migrations run under {@code lock_timeout}; then node by node, the node driver
 * replacing each ({@link NodeDriver#replace}): a local node is held out of the rotation (the
 * gateway, nginx or HAProxy stops sending it requests) and stopped, started on the new release,
 * verified (ready, version, the configured checks) while still held, and only then back in
 * rotation; on Kubernetes a pod of the new release starts beside the others (surge one) and is
 * verified before an old pod goes. Then the contract migrations, after which nodes of the old
 * release refuse to serve.
 * A failure before the contract phase rolls back by itself without a restore: the replaced nodes
 * are put back on the old release one at a time, the expand changes stay (the old release works
 * with them). A failure in the contract phase stops there, every node serving the new release.
 */
public final class OnlineUpgrade {


    private final NodeDriver nodes;
    private final TrafficDriver traffic;
    private final NodeRegistry registry;
    private final Installations installations;
    private final MixedReleases mixed;
    private final Verification verification;
    private final UpgradePreflight preflight;
    private final DbSettings db;
    private final ProvenBackup backups;
    private final Path storage;
    private final PasswordSource backupPassword;
    private final Duration readyTimeout;
    private final SqlParser parser;

    /** @param registry where nodes are held out of the rotation while they are replaced, and put back */
    public OnlineUpgrade(NodeDriver nodes, TrafficDriver traffic, NodeRegistry registry, Installations installations,
                         MixedReleases mixed, Verification verification, UpgradePreflight preflight, DbSettings db,
                         ProvenBackup backups, Path storage, PasswordSource backupPassword, Duration readyTimeout,
                         SqlParser parser) {
        this.nodes = nodes;
        this.traffic = traffic;
        this.registry = registry;
        this.installations = installations;
        this.mixed = mixed;
        this.verification = verification;
        this.preflight = preflight;
        this.db = db;
        this.backups = backups;
        this.storage = storage;
        this.backupPassword = backupPassword;
        this.readyTimeout = readyTimeout;
        this.parser = parser;
    }

    /** Whether {@code target} can be upgraded to online from the database's state, and why. */
    public OnlinePlan plan(Path target) {
        try (HikariDataSource appDb = appDb()) {
            return OnlinePlan.of(readable(target), appDb, parser);
        } catch (IllegalArgumentException e) {
            throw OperationException.refused("the migrations of the target release cannot be read: " + e.getMessage());
        }
    }

    public Procedure to(Path target, Path current, Path backupDir) {
        Release to = readable(target);
        String from = installations.installedVersion().orElse("");
        return new Run(new Params(current, from, to.dir(), to.version(),
                Upgrade.backupFile(backupDir, from, to.version()), nodes.nodeIds()));
    }

    /** The open online upgrade, rebuilt from the journal. */
    public Resumable<Params> resumable() {
        return new Resumable<>(Params.class, Run::new);
    }

    /**
     * What an online upgrade is started with.
     *
     * @param fromDir the release the cluster ran, which a rollback puts back on every node
     * @param backup  the verified backup taken while serving, before the expand migrations
     * @param nodes   the nodes, replaced one at a time in this order
     */
    public record Params(Path fromDir, String fromVersion, Path toDir, String toVersion, Path backup,
                         List<String> nodes) {
    }

    private static Release readable(Path dir) {
        try {
            return Release.open(dir);
        } catch (IllegalArgumentException e) {
            throw OperationException.refused("the target release cannot be read: " + e.getMessage());
        }
    }

    private HikariDataSource appDb() {
        return Database.pool(db, "pitstop online upgrade", 2, Database.APP_SCHEMA, Duration.ofSeconds(10));
    }

    private final class Run implements Procedure {

        private final Params params;
        private final String from;
        private final String to;
        private final Path backup;
        private final List<String> ids;

        Run(Params params) {
            this.params = params;
            this.from = params.fromVersion();
            this.to = params.toVersion();
            this.backup = params.backup();
            this.ids = List.copyOf(params.nodes());
        }

        @Override
        public ProcedureKind kind() {
            return ProcedureKind.ONLINE_UPGRADE;
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
            List<String> refused = new ArrayList<>(preflight.run(readable(params.toDir()), from,
                    backup.getParent()).stream().filter(check -> !check.passed()).map(UpgradePreflight.Check::detail)
                    .toList());
            if (!nodes.runsMixedReleases()) {
                refused.add(nodes.mixedReleasesUnsupported());
            }
            OnlinePlan plan = plan(params.toDir());
            refused.addAll(plan.reasons());
            if (!refused.isEmpty()) {
                throw OperationException.refused("online upgrade to " + to + " refused: " + String.join("; ", refused)
                        + "; nothing was changed (an upgrade without --online stops the cluster and runs it)");
            }
        }

        @Override
        public List<ProcedureStep> steps() {
            List<ProcedureStep> steps = new ArrayList<>();
            steps.add(ProcedureStep.of("back up the database and storage to " + backup.getFileName()
                    + " while serving, verified and replayed to prove it restores", this::backUp));
            steps.add(ProcedureStep.of("let nodes of " + from + " and " + to + " serve together",
                    () -> mixed.allow(from, to)));
            steps.add(ProcedureStep.of("run the expand migrations of " + to + " under lock_timeout "
                    + OnlineMigrations.LOCK_TIMEOUT + ", with retries", () -> migrate(MigrationPhase.EXPAND)));
            for (String id : ids) {
                steps.add(ProcedureStep.of(nodes.describeReplace(id, to, verification.describe(params.toDir())),
                        () -> replace(id, params.toDir())));
            }
            steps.add(ProcedureStep.of("contract: nodes of " + from + " may no longer serve; run the contract "
                    + "migrations of " + to, () -> {
                        mixed.contract();
                        migrate(MigrationPhase.CONTRACT);
                    }));
            steps.add(ProcedureStep.of("record the cluster as installed at " + to, this::finish));
            return steps;
        }

        /** The step that begins the contract phase: a failure before it rolls back, from it on it stops. */
        private int contractStep() {
            return 4 + ids.size();
        }

        @Override
        public boolean rollsBackOnFailureOf(int position) {
            return position < contractStep();
        }

        /** From the contract step on, even while it runs: it may already have run migrations or changed the pair. */
        @Override
        public Optional<String> rollbackRefusal(int lastStarted) {
            if (lastStarted < contractStep()) {
                return Optional.empty();
            }
            return Optional.of("its contract phase began at step " + contractStep() + ": nodes of " + from + " may no "
                    + "longer serve, and the contract migrations of " + to + " may have changed the schema in ways "
                    + from + " cannot work with; every node serves " + to + " meanwhile. To return to " + from
                    + " once it is finished, restore the backup it took first, which stops the service: "
                    + "'pitstop backup restore " + backup + "'");
        }

        @Override
        public List<ProcedureStep> rollbackSteps(int completedSteps) {
            if (completedSteps >= contractStep()) {
                return List.of();
            }
            List<ProcedureStep> undo = new ArrayList<>();
            List<String> reversed = new ArrayList<>(ids);
            java.util.Collections.reverse(reversed);
            for (String id : reversed) {
                undo.add(ProcedureStep.of("put " + id + " back on " + from + " (if it was replaced) and verify it",
                        () -> restoreNode(id)));
            }
            undo.add(ProcedureStep.of("one release serves again: " + from, mixed::end));
            return undo;
        }

        @Override
        public String succeeded() {
            return "upgraded to " + to + " online: every node runs " + to + " and serves, and no node stopped "
                    + "serving before another had taken its place; the backup taken before is " + backup;
        }

        @Override
        public String rolledBack() {
            return "rolled back to " + from + " without a restore: every node runs " + from + " and serves; the "
                    + "expand migrations of " + to + " stay, as " + from + " works with them";
        }

        private void backUp() {
            backups.take(backup, BackupOptions.defaults().withStorage(storage).withRelease(from)
                    .withPassword(backupPassword), "the online upgrade to " + to);
        }

        private void migrate(MigrationPhase phase) {
            try (HikariDataSource appDb = appDb()) {
                new OnlineMigrations(appDb).run(OnlinePlan.of(readable(params.toDir()), appDb, parser),
                        phase);
            }
        }

        /**
         * Idempotent, as the driver's replacement is: a node that already runs {@code version} and
         * is verified is only put back in rotation. A node held out before it stops stays held
         * until it passed verification, so no client reaches it draining, starting, or ready but
         * not yet checked.
         */
        private void replace(String id, Path releaseDir) {
            Release release = Release.open(releaseDir);
            nodes.replace(id, release, new NodeReplacement(release));
            registry.release(id);
            traffic.followRotation();
        }

        private void restoreNode(String id) {
            replace(id, params.fromDir());
        }

        /** What the driver needs to replace a node by one of {@code release}. */
        private final class NodeReplacement implements Replacement {

            private final Release release;
            private final String version;

            NodeReplacement(Release release) {
                this.release = release;
                this.version = release.version();
            }

            @Override
            public Duration readyTimeout() {
                return readyTimeout;
            }

            @Override
            public void holdOut(String id) {
                registry.hold(id, "replaced by a node of " + version + " (online upgrade from " + from + " to " + to
                        + "); back in rotation once verified");
                traffic.followRotation();
            }

            @Override
            public void verify(String id) {
                verification.verify(node(id), release, versionIs(id, version));
            }
        }

        /**
         * The node as its driver knows it, else as it registered itself: a pod is known to the
         * Kubernetes driver by its place in the Deployment (node-K), to the registry by its name
         * and its own URL, which is the one to verify it at.
         */
        private NodeStatus node(String id) {
            return nodes.nodes().stream().filter(n -> n.id().equals(id)).findFirst()
                    .or(() -> registry.list().stream().filter(r -> r.id().equals(id)).findFirst()
                            .map(r -> new NodeStatus(r.id(), r.url(), r.state(), r.message())))
                    .orElseThrow(() -> OperationException.failed(id + " is known neither to the node driver nor to "
                            + "the node registry; see: pitstop status"));
        }

        private Consumer<com.fasterxml.jackson.databind.JsonNode> versionIs(String id, String version) {
            return info -> {
                if (!version.equals(info.path("version").asText())) {
                    throw OperationException.failed(id + " reports version " + info.path("version").asText()
                            + ", expected " + version);
                }
            };
        }

        /** The installed release becomes the new one, with its bundled plugins' versions; one release serves. */
        private void finish() {
            if (!installations.installedVersion().orElse("").equals(to)) {
                installations.complete(installations.begin("upgrade", to, "pitstop upgrade --online"));
            }
            try (HikariDataSource appDb = appDb(); Connection c = appDb.getConnection();
                 PreparedStatement update = c.prepareStatement(
                         "UPDATE plugins SET version = ?, updated_at = now() WHERE id = ? AND file IS NULL")) {
                for (MigrationSet set : dev.pitstop.release.ReleaseMigrations.of(readable(params.toDir()))) {
                    if (set.pluginId() != null) {
                        update.setString(1, set.pluginVersion());
                        update.setString(2, set.pluginId());
                        update.executeUpdate();
                    }
                }
            } catch (SQLException e) {
                throw OperationException.failed("cannot record the plugins' versions of " + to + ": " + e.getMessage());
            }
            mixed.end();
        }
    }
}
