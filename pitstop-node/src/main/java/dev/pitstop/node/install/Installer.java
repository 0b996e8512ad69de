package dev.pitstop.node.install;

import dev.pitstop.control.AdvisoryLock;
import dev.pitstop.control.Installations;
import dev.pitstop.control.NodeState;
import dev.pitstop.db.DbSettings;
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
 * The first-start rule of the operations guide, enforced inside the node: on an empty database
 * exactly one node installs, holding {@link AdvisoryLock#INSTALL}; nodes started meanwhile wait
 * for it. Every step is idempotent and the installation is recorded as complete only at the end,
 * so when an installing node dies, the next node to take the lock finishes the job.
 */
public final class Installer {

    private static final Logger log = LoggerFactory.getLogger(Installer.class);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration WAIT_LOG_INTERVAL = Duration.ofSeconds(5);

    /** What installing means for one release: the core's migrations, then the bundled plugins'. */
    public interface Steps {
        void install();
    }

    private final DbSettings db;
    private final DataSource dataSource;
    private final String nodeId;
    private final String releaseVersion;
    private final Installations installations;
    private final Consumer<NodeState> onState;

    public Installer(DbSettings db, DataSource dataSource, String nodeId, String releaseVersion,
                     Consumer<NodeState> onState) {
        this.db = db;
        this.dataSource = dataSource;
        this.nodeId = nodeId;
        this.releaseVersion = releaseVersion;
        this.installations = new Installations(dataSource);
        this.onState = onState;
    }

    /** Returns the installed release version, installing this node's release first if none is. */
    public String ensureInstalled(Steps steps) throws SQLException, InterruptedException {
        Optional<String> installed = installations.installedVersion();
        if (installed.isPresent()) {
            return installed.get();
        }
        String lastHolder = null;
        long lastLog = 0;
        while (true) {
            Optional<AdvisoryLock> lock = AdvisoryLock.tryAcquire(db, AdvisoryLock.INSTALL, nodeId + " (installing)");
            if (lock.isPresent()) {
                try (AdvisoryLock held = lock.get()) {
                    return installHolding(steps);
                }
            }
            installed = installations.installedVersion();
            if (installed.isPresent()) {
                log.info("Node {} found release {} installed by another node", nodeId, installed.get());
                return installed.get();
            }
            String holder = currentHolder();
            long now = System.nanoTime();
            if (!Objects.equals(holder, lastHolder) || now - lastLog > WAIT_LOG_INTERVAL.toNanos()) {
                log.info("Waiting for {} to finish installing the application", holder == null ? "another node" : holder);
                lastHolder = holder;
                lastLog = now;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private String installHolding(Steps steps) {
        Optional<String> installed = installations.installedVersion();
        if (installed.isPresent()) {
            return installed.get();
        }
        onState.accept(NodeState.INSTALLING);
        log.info("Node {} installs release {}", nodeId, releaseVersion);
        long attempt = installations.begin("install", releaseVersion, nodeId);
        steps.install();
        installations.complete(attempt);
        log.info("Release {} installed", releaseVersion);
        return releaseVersion;
    }

    private String currentHolder() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return AdvisoryLock.holder(c, AdvisoryLock.INSTALL).orElse(null);
        }
    }
}
