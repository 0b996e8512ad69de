package dev.pitstop.procedure;

import dev.pitstop.db.Database;
import dev.pitstop.release.BatchedMigrations;
import dev.pitstop.release.ConcurrentIndexes;
import dev.pitstop.release.MigrationPhase;
import dev.pitstop.release.MigrationScript;
import dev.pitstop.release.MigrationSet;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one phase of an online upgrade's migrations, while nodes serve: one migration at a time,
 * each in its own transaction (a {@code CONCURRENTLY} one in none), under {@code lock_timeout} so
 * that a statement waiting for a lock never queues the nodes' requests behind it for long; one
 * that times out is retried after a pause. A batched backfill is repeated, each batch in its own
 * transaction, until it changes no row, and then recorded by Flyway like every migration, in the
 * owner's history table, so later upgrades see it ran.
 */
final class OnlineMigrations {

    private static final Logger log = LoggerFactory.getLogger(OnlineMigrations.class);
    static final String LOCK_TIMEOUT = "2s";
    private static final int ATTEMPTS = 6;
    private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private final DataSource appDb;

    OnlineMigrations(DataSource appDb) {
        this.appDb = appDb;
    }

    /** Runs the pending migrations of {@code phase}; idempotent, as Flyway skips what its history records. */
    void run(OnlinePlan plan, MigrationPhase phase) {
        for (MigrationSet set : plan.pending()) {
            for (MigrationScript script : set.scripts()) {
                if (script.phase() == phase) {
                    withRetries(script, () -> {
                        dropInvalidIndexes(script);
                        if (script.batched()) {
                            backfill(script);
                        }
                        migrateTo(set, script);
                    });
                }
            }
        }
    }

    private void withRetries(MigrationScript script, Runnable work) {
        Duration pause = FIRST_PAUSE;
        for (int attempt = 1; ; attempt++) {
            try {
                work.run();
                return;
            } catch (RuntimeException e) {
                if (!lockTimedOut(e) || attempt == ATTEMPTS) {
                    throw OperationException.failed("migration " + script.describe() + " failed" + (attempt > 1
                            ? " after " + attempt + " attempts" : "") + ": " + rootMessage(e));
                }
                log.warn("Migration {} waited longer than lock_timeout {} for a lock; retrying in {} s",
                        script.describe(), LOCK_TIMEOUT, pause.toSeconds());
                sleep(pause);
                pause = pause.multipliedBy(2);
            }
        }
    }

    /**
     * A CREATE INDEX CONCURRENTLY that failed (a lock not granted in time) leaves its index behind,
     * invalid: dropped before the migration runs again, so that it can build it.
     */
    private void dropInvalidIndexes(MigrationScript script) {
        try (Connection c = appDb.getConnection();
             PreparedStatement invalid = c.prepareStatement("SELECT i.relname FROM pg_index x"
                     + " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace"
                     + " WHERE NOT x.indisvalid AND n.nspname = ?")) {
            invalid.setString(1, Database.APP_SCHEMA);
            List<String> names = new ArrayList<>();
            try (ResultSet rs = invalid.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            for (String name : names) {
                if (Pattern.compile("\\b" + Pattern.quote(name) + "\\b").matcher(script.sql()).find()) {
                    try (Statement drop = c.createStatement()) {
                        drop.execute("DROP INDEX CONCURRENTLY IF EXISTS " + Database.APP_SCHEMA + ".\"" + name + "\"");
                    }
                    log.info("Dropped index {} left invalid by an earlier attempt of {}", name, script.describe());
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Each batch in its own transaction, so that no run locks more than a batch of rows while nodes serve. */
    private void backfill(MigrationScript script) {
        try (Connection c = appDb.getConnection()) {
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                st.execute("SET lock_timeout = '" + LOCK_TIMEOUT + "'");
            }
            BatchedMigrations.repeatUntilNoRow(c, script);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void migrateTo(MigrationSet set, MigrationScript script) {
        try (URLClassLoader resources = new URLClassLoader(new URL[] {set.jar().toUri().toURL()}, null)) {
            ConcurrentIndexes.allowed(Flyway.configure(resources))
                    .dataSource(appDb)
                    .schemas(Database.APP_SCHEMA)
                    .table(set.historyTable())
                    .locations("classpath:" + set.location())
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .callbacks(new LockTimeoutOnConnect())
                    .target(script.version())
                    .load()
                    .migrate();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + set.jar() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Puts the connection the migrations run on under {@code lock_timeout}. Flyway raises AFTER_CONNECT on
     * its main connection, where it migrates when its lock is not transactional ({@link
     * dev.pitstop.release.ConcurrentIndexes}), and again on a migration connection of its own otherwise.
     * Set for the session, in a transaction Flyway commits, so it holds for every migration's transaction
     * after it. (Flyway's {@code initSql} did the same, warning at every connection that it is deprecated.)
     */
    private static final class LockTimeoutOnConnect implements Callback {

        @Override
        public boolean supports(Event event, Context context) {
            return event == Event.AFTER_CONNECT;
        }

        @Override
        public boolean canHandleInTransaction(Event event, Context context) {
            return true;
        }

        @Override
        public void handle(Event event, Context context) {
            try (Statement st = context.getConnection().createStatement()) {
                st.execute("SET lock_timeout = '" + LOCK_TIMEOUT + "'");
            } catch (SQLException e) {
                throw new FlywayException("cannot set lock_timeout for the migrations: " + e.getMessage(), e);
            }
        }

        @Override
        public String getCallbackName() {
            return "lock_timeout";
        }
    }

    private static boolean lockTimedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && LOCK_NOT_AVAILABLE.equals(sql.getSQLState())) {
                return true;
            }
            if (t instanceof FlywayException && String.valueOf(t.getMessage()).contains(LOCK_NOT_AVAILABLE)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.toString() : root.getMessage();
        return message.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(message);
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OperationException.failed("interrupted while waiting to retry a migration");
        }
    }
}
