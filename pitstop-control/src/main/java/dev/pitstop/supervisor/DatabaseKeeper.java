package dev.pitstop.supervisor;

import dev.pitstop.db.DbSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded database running for as long as the supervisor does. When its server exits
 * without being asked to (killed, crashed), the keeper starts it again on the same data directory
 * and port, so the nodes' connection settings stay valid: PostgreSQL replays its write-ahead log
 * and comes back with every committed transaction. Restarts back off like a node's, so a server
 * that cannot start does not spin.
 */
final class DatabaseKeeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DatabaseKeeper.class);

    private final Path dataDir;
    private final Path serverLog;
    private final EmbeddedDatabase.Durability durability;
    private final Backoff backoff = new Backoff();
    private final ScheduledExecutorService restarts = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "database-restarts");
        thread.setDaemon(true);
        return thread;
    });
    private final int port;
    private EmbeddedDatabase current;
    private Instant startedAt;
    private boolean closing;

    private DatabaseKeeper(Path dataDir, Path serverLog, EmbeddedDatabase.Durability durability, EmbeddedDatabase first) {
        this.dataDir = dataDir;
        this.serverLog = serverLog;
        this.durability = durability;
        this.port = first.port();
        this.current = first;
        this.startedAt = Instant.now();
    }

    /** Starts the database on a free port and watches it. */
    static DatabaseKeeper start(Path dataDir, Path serverLog, EmbeddedDatabase.Durability durability) throws IOException {
        DatabaseKeeper keeper = new DatabaseKeeper(dataDir, serverLog, durability,
                EmbeddedDatabase.start(dataDir, serverLog, Ports.free(), durability));
        keeper.watch(keeper.current);
        return keeper;
    }

    DbSettings settings() {
        return current.settings();
    }

    private void watch(EmbeddedDatabase database) {
        Optional<ProcessHandle> server = database.postmaster();
        if (server.isEmpty()) {
            onExit(database, "its pid file is gone");
            return;
        }
        long pid = server.get().pid();
        server.get().onExit().thenRun(() -> onExit(database, "its server (pid " + pid + ") exited"));
    }

    private synchronized void onExit(EmbeddedDatabase database, String what) {
        if (closing || database != current) {
            return;
        }
        Duration delay = backoff.next(Duration.between(startedAt, Instant.now()));
        log.error("The embedded database stopped without being asked to: {}. Restarting it in {} s on port {}; "
                + "PostgreSQL recovers from its write-ahead log (server log: {})", what, delay.toSeconds(), port,
                serverLog);
        restarts.schedule(this::restart, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void restart() {
        if (closing) {
            return;
        }
        closeQuietly(current); // releases the data directory's lock, which the new server needs
        try {
            current = EmbeddedDatabase.start(dataDir, serverLog, port, durability);
        } catch (IOException | RuntimeException e) {
            Duration delay = backoff.next(Duration.ZERO);
            log.error("Restarting the embedded database failed: {}; trying again in {} s (server log: {})",
                    e.getMessage(), delay.toSeconds(), serverLog);
            restarts.schedule(this::restart, delay.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        startedAt = Instant.now();
        log.info("The embedded database runs again on port {}", port);
        watch(current);
    }

    private static void closeQuietly(EmbeddedDatabase database) {
        try {
            database.close();
        } catch (IOException e) {
            log.debug("Closing the crashed embedded database: {}", e.toString());
        }
    }

    /** Stops watching, then stops the database with a fast shutdown. */
    @Override
    public void close() throws IOException {
        EmbeddedDatabase last;
        synchronized (this) {
            closing = true;
            last = current;
        }
        restarts.shutdownNow();
        last.close();
    }
}
