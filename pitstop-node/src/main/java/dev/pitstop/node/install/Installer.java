package dev.pitstop.node.install;

import dev.pitstop.control.AdvisoryLock;
import dev.pitstop.control.Cluster;
import dev.pitstop.control.Installations;
import dev.pitstop.control.NodeState;
import dev.pitstop.db.DbSettings;
import dev.pitstop.release.Versions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rule that exactly one node changes the application schema, enforced inside the nodes. On an
 * empty database one node installs, holding {@link AdvisoryLock#INSTALL}; when a procedure has
 * authorised an upgrade to this node's release ({@link Cluster#upgradeTarget()}), one node
 * upgrades, under the same lock. Nodes started meanwhile wait and say for whom. Every step is
 * idempotent and the attempt is recorded as complete only at its end, so when the node doing it
 * dies, the next node to take the lock finishes the job.
 */
public final class Installer {

    private static final Logger log = LoggerFactory.getLogger(Installer.class);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration WAIT_LOG_INTERVAL = Duration.ofSeconds(5);

    /** One way of changing the schema: the install of a release, or the upgrade to it. */
    public interface Steps {
        void run();
    }

    private final DbSettings db;
    private final DataSource dataSource;
    private final String nodeId;
    private final String releaseVersion;
    private final Installations installations;
    private final Cluster cluster;
    private final Consumer<NodeState> onState;

    public Installer(DbSettings db, DataSource dataSource, String nodeId, String releaseVersion,
                     Consumer<NodeState> onState) {
        this.db = db;
        this.dataSource = dataSource;
        this.nodeId = nodeId;
        this.releaseVersion = releaseVersion;
        this.installations = new Installations(dataSource);
        this.cluster = new Cluster(dataSource);
        this.onState = onState;
    }

    /**
     * Installs this node's release on an empty database, or upgrades to it when authorised, and
     * returns the release the database is installed at afterwards.
     */
    public String prepare(Steps install, Steps upgrade) throws SQLException, InterruptedException {
        Optional<String> installed = installations.installedVersion();
        if (installed.isPresent() && !upgradeAuthorised(installed.get())) {
            return installed.get();
        }
        String lastHolder = null;
        long lastLog = 0;
        while (true) {
            Optional<AdvisoryLock> lock = AdvisoryLock.tryAcquire(db, AdvisoryLock.INSTALL, nodeId + " (changing the schema)");
            if (lock.isPresent()) {
                try (AdvisoryLock held = lock.get()) {
                    return changeHolding(install, upgrade);
                }
            }
            installed = installations.installedVersion();
            if (installed.isPresent() && !upgradeAuthorised(installed.get())) {
                log.info("Node {} found release {} installed by another node", nodeId, installed.get());
                return installed.get();
            }
            String holder = currentHolder();
            long now = System.nanoTime();
            if (!Objects.equals(holder, lastHolder) || now - lastLog > WAIT_LOG_INTERVAL.toNanos()) {
                log.info("Waiting for {} to finish", holder == null ? "another node" : holder);
                lastHolder = holder;
                lastLog = now;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private String changeHolding(Steps install, Steps upgrade) {
        Optional<String> installed = installations.installedVersion();
        if (installed.isEmpty()) {
            run("install", NodeState.INSTALLING, install);
            return releaseVersion;
        }
        if (upgradeAuthorised(installed.get())) {
            log.info("Node {} upgrades the cluster from {} to {}", nodeId, installed.get(), releaseVersion);
            run("upgrade", NodeState.UPGRADING, upgrade);
            return releaseVersion;
        }
        return installed.get();
    }

    private void run(String kind, NodeState state, Steps steps) {
        onState.accept(state);
        log.info("Node {} {}s release {}", nodeId, kind, releaseVersion);
        long attempt = installations.begin(kind, releaseVersion, nodeId);
        steps.run();
        installations.complete(attempt);
        log.info("Release {} {}ed", releaseVersion, kind.equals("upgrade") ? "upgrad" : "install");
    }

    private boolean upgradeAuthorised(String installed) {
        return !installed.equals(releaseVersion) && releaseVersion.equals(cluster.upgradeTarget())
                && Versions.compare(releaseVersion, installed) > 0;
    }

    private String currentHolder() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return AdvisoryLock.holder(c, AdvisoryLock.INSTALL).orElse(null);
        }
    }
}
