package dev.pitstop.procedure;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.zaxxer.hikari.HikariDataSource;
import dev.pitstop.db.Database;
import dev.pitstop.db.DbSettings;
import dev.pitstop.lint.LintReport;
import dev.pitstop.release.MigrationPhase;
import dev.pitstop.release.MigrationScript;
import dev.pitstop.release.MigrationSet;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * An online migration that waits for a lock another transaction holds gives up after lock_timeout and is
 * tried again, and succeeds once the lock is released; Flyway warns of nothing meanwhile.
 */
class OnlineMigrationsTest {

    private static final String LOCATION = "test/migration";
    private static final String SQL = "ALTER TABLE app.items ADD COLUMN color text";
    /** Far beyond lock_timeout: only a wait that never times out lasts this long. */
    private static final long PATIENCE_SECONDS = 120;

    private static EmbeddedPostgres postgres;

    @TempDir
    Path dir;
    private final List<ILoggingEvent> logged = new CopyOnWriteArrayList<>();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            logged.add(event);
        }
    };

    @BeforeAll
    static void startDatabase() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void listen() {
        appender.start();
        root().addAppender(appender);
    }

    @AfterEach
    void stopListening() {
        root().detachAppender(appender);
    }

    @Test
    void aMigrationWaitingForALockTimesOutAndSucceedsOnARetryOnceTheLockIsFree() throws Exception {
        DbSettings db = new DbSettings(postgres.getJdbcUrl("postgres", "postgres"), "postgres", null);
        try (Connection setup = postgres.getPostgresDatabase().getConnection(); Statement st = setup.createStatement()) {
            st.execute("CREATE SCHEMA app; CREATE TABLE app.items (id int PRIMARY KEY)");
        }
        MigrationScript script = new MigrationScript("core", "1", "V1__color.sql", MigrationPhase.EXPAND, false, SQL);
        MigrationSet set = new MigrationSet("core", null, null, jar("V1__color.sql", SQL), LOCATION,
                "test_schema_history", List.of(script));
        OnlinePlan plan = new OnlinePlan(List.of(set), List.of(), new LintReport(List.of()));

        try (HikariDataSource appDb = Database.pool(db, "online migrations test", 2, Database.APP_SCHEMA,
                Duration.ofSeconds(10));
             Connection reader = postgres.getPostgresDatabase().getConnection()) {
            // A reader's open transaction: ALTER TABLE waits for it, as it would for a node's long request.
            reader.setAutoCommit(false);
            try (Statement st = reader.createStatement()) {
                st.executeQuery("SELECT * FROM app.items").close();
            }
            CompletableFuture<Void> migration = CompletableFuture.runAsync(
                    () -> new OnlineMigrations(appDb).run(plan, MigrationPhase.EXPAND));

            awaitRetryWarning(migration);
            reader.commit();
            migration.get(PATIENCE_SECONDS, TimeUnit.SECONDS);

            try (Connection c = appDb.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT version, success FROM app.test_schema_history"
                         + " WHERE version = '1'")) {
                assertThat(rs.next()).as("the migration is recorded").isTrue();
                assertThat(rs.getBoolean("success")).isTrue();
            }
            try (Connection c = appDb.getConnection(); Statement st = c.createStatement()) {
                st.executeQuery("SELECT color FROM app.items").close();
            }
        }
        assertThat(logged).filteredOn(e -> e.getLoggerName().startsWith("org.flywaydb"))
                .extracting(ILoggingEvent::getFormattedMessage).noneMatch(m -> m.contains("deprecated"));
    }

    /** The retry is announced once the first attempt gave up waiting: lock_timeout applied to the migration. */
    private void awaitRetryWarning(CompletableFuture<Void> migration) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        while (logged.stream().noneMatch(e -> e.getFormattedMessage().contains("waited longer than lock_timeout"))) {
            if (migration.isDone()) {
                migration.get(); // its failure, if any
                throw new AssertionError("the migration finished while another transaction held its table");
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the migration still waits for the lock after " + PATIENCE_SECONDS
                        + " s: lock_timeout was not set on its connection");
            }
            Thread.sleep(50);
        }
    }

    private Path jar(String file, String sql) throws Exception {
        Path jar = dir.resolve("migrations.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream entries = new JarOutputStream(out)) {
            // Directory entries as in every built jar: Flyway finds a classpath: location through them.
            entries.putNextEntry(new JarEntry("test/"));
            entries.putNextEntry(new JarEntry(LOCATION + "/"));
            entries.putNextEntry(new JarEntry(LOCATION + "/" + file));
            entries.write(sql.getBytes(StandardCharsets.UTF_8));
            entries.closeEntry();
        }
        return jar;
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
