package dev.pitstop.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.backup.schema.Definitions;
import dev.pitstop.backup.schema.Definitions.Ddl;
import dev.pitstop.backup.schema.Definitions.Table;
import dev.pitstop.db.DbSettings;
import dev.pitstop.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Backups#replay} proves that a backup restores, in a scratch database it always drops. */
class ReplayTest {

    private static final String SCRATCH_DATABASES = "SELECT count(*) FROM pg_database WHERE datname LIKE 'pitstop_replay_%'";

    @TempDir
    Path dir;

    @Test
    void aBackupThatRestoresReplaysWithItsRows() throws IOException {
        DbSettings db = TestDatabase.create();
        SampleApp.create(db);
        Path file = Backups.create(db, dir.resolve("b.backup"), BackupOptions.defaults()).file();
        Fingerprint before = Fingerprint.of(db, null);
        long scratchBefore = TestDatabase.count(db, SCRATCH_DATABASES);

        Backups.replay(db, file, ReplayOptions.definitions());
        Backups.replay(db, file, ReplayOptions.definitions().withRows(true));

        assertThat(Fingerprint.of(db, null).differences(before)).isEmpty();
        assertThat(TestDatabase.count(db, SCRATCH_DATABASES)).isEqualTo(scratchBefore);
    }

    @Test
    void aViewNeedingAPrimaryKeyCreatedBeforeTheKeyFailsNamingTheView() throws IOException {
        DbSettings db = TestDatabase.create();
        long scratchBefore = TestDatabase.count(db, SCRATCH_DATABASES);
        // Legal only once the key exists: name depends on id through the primary key.
        Path file = CraftedBackup.withDefinitions(dir.resolve("view.backup"), new Definitions(List.of("app"),
                List.of(new Table("app.customers", List.of("id", "name"))),
                List.of(new Ddl("schema", "app", "CREATE SCHEMA app"),
                        new Ddl("table", "app.customers", "CREATE TABLE app.customers (id integer NOT NULL, name text)"),
                        new Ddl("view", "app.customer_names", "CREATE VIEW app.customer_names AS"
                                + " SELECT c.id, c.name, count(*) AS n FROM app.customers c GROUP BY c.id")),
                List.of(new Ddl("constraint", "app.customers.customers_pkey",
                        "ALTER TABLE app.customers ADD CONSTRAINT customers_pkey PRIMARY KEY (id)"))),
                Map.of("app.customers", "1\tAda\n"));

        assertThatThrownBy(() -> Backups.replay(db, file, ReplayOptions.definitions()))
                .isInstanceOfSatisfying(ReplayFailedException.class, e -> {
                    assertThat(e.what()).isEqualTo("view app.customer_names");
                    assertThat(e.databaseMessage()).contains("\"c.name\" must appear in the GROUP BY clause");
                })
                .hasMessageStartingWith(file + " does not restore: view app.customer_names failed when replayed into"
                        + " a scratch database: column \"c.name\" must appear in the GROUP BY clause");
        assertThat(TestDatabase.count(db, SCRATCH_DATABASES)).as("the scratch database is dropped").isEqualTo(scratchBefore);
    }

    @Test
    void rowsThatBreakAConstraintFailOnlyWhenTheRowsAreReplayed() throws IOException {
        DbSettings db = TestDatabase.create();
        Path file = CraftedBackup.withDefinitions(dir.resolve("rows.backup"), new Definitions(List.of("app"),
                List.of(new Table("app.items", List.of("id"))),
                List.of(new Ddl("schema", "app", "CREATE SCHEMA app"),
                        new Ddl("table", "app.items", "CREATE TABLE app.items (id integer)")),
                List.of(new Ddl("constraint", "app.items.positive",
                        "ALTER TABLE app.items ADD CONSTRAINT positive CHECK (id > 0)"))),
                Map.of("app.items", "1\n-2\n"));

        Backups.replay(db, file, ReplayOptions.definitions());
        assertThatThrownBy(() -> Backups.replay(db, file, ReplayOptions.definitions().withRows(true)))
                .isInstanceOfSatisfying(ReplayFailedException.class,
                        e -> assertThat(e.what()).isEqualTo("constraint app.items.positive"))
                .hasMessageContaining("is violated by some row");
    }

    @Test
    void aUserWhoMayNotCreateDatabasesIsToldWhatToDoAndMayNameAScratchDatabase() throws IOException {
        DbSettings db = TestDatabase.create();
        // Crafted, so that it carries no owners the user would need to be a member of.
        Path file = CraftedBackup.withDefinitions(dir.resolve("plain.backup"), new Definitions(List.of("app"),
                List.of(new Table("app.items", List.of("id"))),
                List.of(new Ddl("schema", "app", "CREATE SCHEMA app"),
                        new Ddl("table", "app.items", "CREATE TABLE app.items (id integer)")),
                List.of(new Ddl("constraint", "app.items.items_pkey", "ALTER TABLE app.items ADD PRIMARY KEY (id)"))),
                Map.of("app.items", "1\n2\n"));
        TestDatabase.execute(db, "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'no_createdb')"
                + " THEN CREATE ROLE no_createdb LOGIN; END IF; END $$");
        DbSettings limited = as("no_createdb", db);

        assertThatThrownBy(() -> Backups.replay(limited, file, ReplayOptions.definitions()))
                .isInstanceOf(ScratchDatabaseException.class)
                .hasMessageContainingAll("the database user no_createdb may not create databases",
                        "ALTER ROLE no_createdb CREATEDB", "backup.scratch-database-url");

        DbSettings scratch = TestDatabase.create();
        TestDatabase.execute(scratch, "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I OWNER TO no_createdb',"
                + " current_database()); END $$; ALTER SCHEMA public OWNER TO no_createdb");
        Backups.replay(limited, file, ReplayOptions.definitions().withRows(true).withScratch(as("no_createdb", scratch)));
        assertThat(TestDatabase.count(scratch, "SELECT count(*) FROM pg_namespace WHERE nspname = 'app'"))
                .as("the replay in a named scratch database is rolled back").isZero();
    }

    /** The test database's URL names its user; this one connects as {@code user}. */
    private static DbSettings as(String user, DbSettings db) {
        return new DbSettings(db.url().replaceAll("\\?.*", ""), user, null);
    }
}
