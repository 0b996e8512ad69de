package dev.pitstop.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pitstop.db.DbSettings;
import dev.pitstop.testing.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Objects a backup cannot carry are refused by kind and name, before any file is written; what
 * it carries is shown by {@code FidelityTest}.
 */
class UnsupportedObjectsTest {

    @TempDir
    Path dir;

    @Test
    void everyUnsupportedObjectIsNamedAndNoFileIsWritten() {
        DbSettings db = TestDatabase.create();
        TestDatabase.execute(db, """
                CREATE SCHEMA app;
                CREATE TABLE app.items (id int PRIMARY KEY, price numeric);
                CREATE TEXT SEARCH CONFIGURATION app.simple_copy (COPY = pg_catalog.simple);
                CREATE TYPE app.pair AS (a int, b int);
                CREATE TABLE app.typed OF app.pair;
                CREATE TABLE app.refs (about regclass);
                INSERT INTO app.refs VALUES ('app.items_pkey'), ('app.items');
                SELECT lo_create(4242);
                COMMENT ON TABLE app.items IS 'carried';
                """);

        UnsupportedObjectsException e = catchThrowableOfType(UnsupportedObjectsException.class,
                () -> Backups.create(db, dir.resolve("b.backup"), BackupOptions.defaults()));

        assertThat(e.objects()).containsExactlyInAnyOrder(
                "text search configuration app.simple_copy",
                "typed table app.typed",
                "large object 4242",
                "regclass column naming an index app.refs.about (1 rows: indexes are made after the rows are loaded;"
                        + " store the index's name as text instead)");
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
