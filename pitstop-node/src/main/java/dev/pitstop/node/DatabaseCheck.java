package dev.pitstop.node;

import dev.pitstop.db.Database;
import dev.pitstop.db.DbSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the node can reach its database, checked once a second on a connection of its own (a
 * pool busy with requests must not pass for a database that is down) with a short timeout. Readers
 * get the last result without waiting: the health endpoint must answer within the balancer's
 * timeout, and requests must fail at once while the database is away, not hang on a connection.
 */
final class DatabaseCheck implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DatabaseCheck.class);
    static final Duration PERIOD = Duration.ofSeconds(1);
    static final Duration TIMEOUT = Duration.ofSeconds(1);
    /**
     * The first connection's login timeout. A node's first login runs while its JVM is cold and its
     * pool is migrating: the SCRAM exchange alone can take more than a second on a busy machine, which
     * logged "unreachable" at every start for a database that was fine. The node is not ready before
     * its pool has reached the database anyway, so a patient first check hides nothing.
     */
    static final Duration FIRST_TIMEOUT = Duration.ofSeconds(10);

    private final DbSettings db;
    private final String applicationName;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "database-check");
        thread.setDaemon(true);
        return thread;
    });
    private Connection connection;
    private boolean connectedOnce;
    private volatile String problem;

    DatabaseCheck(DbSettings db, String applicationName) {
        this.db = db;
        this.applicationName = applicationName;
    }

    DatabaseCheck start() {
        timer.scheduleWithFixedDelay(this::check, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Why the database cannot be used, as of the last check (at most about a second ago); null when it can. */
    String problem() {
        return problem;
    }

    /**
     * A request just lost its connection: the database is taken for gone at once, not at the next
     * check, so the requests behind it fail fast too. The next check tells again.
     */
    void connectionLost() {
        if (problem == null) {
            problem = "lost the connection to the database";
            log.warn("A request lost its connection to the database; answering 503 until a check reaches it");
        }
    }

    private void check() {
        Failure found = probe();
        if (found != null && problem == null) {
            log.warn("The database is unreachable; answering 503 until it is back: {}", found.detail());
        } else if (found != null && !found.reason().equals(problem)) {
            log.warn("The database is unreachable: {}", found.detail());
        } else if (found == null && problem != null) {
            log.info("The database is reachable again; serving");
        }
        // Only the short reason leaves the node (the health endpoint is public through the gateway):
        // the URL and the driver's message stay in the log.
        problem = found == null ? null : found.reason();
    }

    /** Why the check failed: a reason for clients, the details for the log. */
    private record Failure(String reason, String detail) {
    }

    private Failure probe() {
        try {
            if (connection == null) {
                connection = Database.connect(db, applicationName, connectedOnce ? TIMEOUT : FIRST_TIMEOUT);
                connectedOnce = true;
            }
            if (connection.isValid((int) TIMEOUT.toSeconds())) {
                return null;
            }
            closeConnection();
            String reason = "the database did not answer within " + TIMEOUT.toSeconds() + " s";
            return new Failure(reason, reason + " (" + db + ")");
        } catch (SQLException e) {
            closeConnection();
            return new Failure("cannot connect to the database", "cannot connect to " + db + ": " + e.getMessage());
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("Closing the broken check connection: {}", e.toString());
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeConnection();
    }
}
