package dev.pitstop.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.db.DbSettings;
import dev.pitstop.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restore that fails part-way leaves the database and the storage directory exactly as they were. */
class RestoreFailureTest {

    @TempDir
    Path dir;

    @Test
    void constraintFailingAfterTheDataIsLoadedRollsEverythingBack() throws IOException {
        DbSettings db = TestDatabase.create();
        SampleApp.create(db);
        // A unique index whose keys depend on a database setting: distinct when backed up, all
        // the same when restored, so that it fails once the rows are loaded.
        TestDatabase.execute(db, """
                CREATE FUNCTION app.bucket(id bigint) RETURNS bigint LANGUAGE sql IMMUTABLE
                    AS $$ SELECT CASE WHEN coalesce(current_setting('pitstop_test.reject', true), '') = 'on' THEN 0
                                      ELSE id END $$;
                CREATE UNIQUE INDEX accepted ON app.items (app.bucket(id));
                """);
        Path storage = dir.resolve("storage");
        SampleApp.storage(storage);
        Path file = Backups.create(db, dir.resolve("b.backup"), BackupOptions.defaults().withStorage(storage)).file();
        TestDatabase.execute(db, "DELETE FROM app.audit; UPDATE app.customers SET name = 'changed since'");
        Files.writeString(storage.resolve("new since.txt"), "x");
        Fingerprint before = Fingerprint.of(db, storage);
        TestDatabase.execute(db, "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET pitstop_test.reject = on',"
                + " current_database()); END $$");

        assertThatThrownBy(() -> Backups.restore(db, file, RestoreOptions.forRelease("1.0.0").withStorage(storage)))
                .isInstanceOf(BackupException.class)
                .isNotInstanceOf(RestoreRefusedException.class)
                .hasMessageContainingAll("failed while creating index app.accepted",
                        "the database and the storage directory were left as they were", "could not create unique index");

        assertThat(Fingerprint.of(db, storage).differences(before)).isEmpty();
        assertThat(dir.toFile().list()).containsExactlyInAnyOrder("b.backup", "storage");
    }

    @Test
    void restoreKilledWhileLoadingRowsLeavesTheDatabaseAsItWas() throws Exception {
        DbSettings db = TestDatabase.create();
        SampleApp.create(db);
        TestDatabase.execute(db, "CREATE TABLE app.big AS SELECT g AS id, md5(g::text) AS a, md5((-g)::text) AS b"
                + " FROM generate_series(1, 400000) g; ALTER TABLE app.big ADD PRIMARY KEY (id)");
        Path storage = dir.resolve("storage");
        SampleApp.storage(storage);
        Path file = Backups.create(db, dir.resolve("b.backup"), BackupOptions.defaults().withStorage(storage)).file();
        TestDatabase.execute(db, "DELETE FROM app.big WHERE id % 2 = 0; DROP VIEW reports.big_customers");
        Files.delete(storage.resolve("zero-length"));
        Fingerprint before = Fingerprint.of(db, storage);

        Process restore = ChildJvm.start(List.of(), "restore", db.url(), db.user(), file.toString(), storage.toString());
        List<String> output = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(restore.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                output.add(line);
                if (line.startsWith("RESTORING") && line.contains("app.big")) {
                    restore.destroyForcibly();
                    break;
                }
            }
        }
        assertThat(restore.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(output).as("the restore was killed while it loaded app.big").last().asString()
                .startsWith("RESTORING").contains("app.big");

        // PostgreSQL rolls back the dead session's transaction; the fingerprint waits for its locks.
        assertThat(Fingerprint.of(db, storage).differences(before)).isEmpty();
    }
}
