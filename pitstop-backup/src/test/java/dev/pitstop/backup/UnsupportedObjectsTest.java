package dev.pitstop.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pitstop.db.DbSettings;
import dev.pitstop.testing.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Objects a backup cannot carry are refused by kind and name, before any file is written. */
class UnsupportedObjectsTest {

    @TempDir
    Path dir;

    @Test
    void everyUnsupportedObjectIsNamedAndNoFileIsWritten() {
        DbSettings db = TestDatabase.create();
        TestDatabase.execute(db, """
                CREATE SCHEMA app;
                CREATE TABLE app.items (id int PRIMARY KEY, price numeric);
                CREATE MATERIALIZED VIEW app.totals AS SELECT sum(price) FROM app.items;
                CREATE TABLE app.events (at date) PARTITION BY RANGE (at);
                CREATE DOMAIN app.positive AS numeric CHECK (VALUE > 0);
                CREATE RULE no_delete AS ON DELETE TO app.items DO INSTEAD NOTHING;
                CREATE TABLE app.child () INHERITS (app.items);
                CREATE AGGREGATE app.total (numeric) (sfunc = numeric_add, stype = numeric);
                CREATE TYPE app.pair AS (a int, b int);
                ALTER TABLE app.items ENABLE ROW LEVEL SECURITY;
                CREATE TEXT SEARCH CONFIGURATION app.simple_copy (COPY = pg_catalog.simple);
                COMMENT ON RULE no_delete ON app.items IS 'keeps every item';
                COMMENT ON TABLE app.items IS 'carried';
                """);

        UnsupportedObjectsException e = catchThrowableOfType(UnsupportedObjectsException.class,
                () -> Backups.create(db, dir.resolve("b.backup"), BackupOptions.defaults()));

        assertThat(e.objects()).containsExactlyInAnyOrder(
                "materialized view app.totals",
                "partitioned table app.events",
                "domain app.positive",
                "rule no_delete on app.items",
                "inheriting table app.child",
                "aggregate app.total(numeric)",
                "composite type app.pair",
                "row-level security on table app.items",
                "text search configuration app.simple_copy",
                "comment on rule no_delete on app.items");
        assertThat(e).hasMessageStartingWith("cannot back up: the application schemas hold objects a backup cannot carry:");
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void controlSchemaIsNeverInABackup() {
        DbSettings db = TestDatabase.create();
        TestDatabase.execute(db, """
                CREATE SCHEMA pitstop;
                CREATE MATERIALIZED VIEW pitstop.not_ours AS SELECT 1;
                CREATE TABLE pitstop.nodes (id text);
                CREATE SCHEMA app;
                CREATE TABLE app.items (id int);
                """);

        BackupResult result = Backups.create(db, dir.resolve("b.backup"), BackupOptions.defaults());

        assertThat(result.manifest().schemas()).containsExactly("app", "public");
        assertThat(result.manifest().tables()).extracting(entry -> entry.name()).containsExactly("app.items");
    }
}
