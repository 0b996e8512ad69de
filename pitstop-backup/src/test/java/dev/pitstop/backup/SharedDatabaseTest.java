package dev.pitstop.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.backup.format.Manifest;
import dev.pitstop.backup.schema.AppSchemas;
import dev.pitstop.db.DbSettings;
import dev.pitstop.testing.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On a database shared with another application, backup and restore cover the configured schemas only. */
class SharedDatabaseTest {

    private static final String OTHER_ROWS = "SELECT id, note FROM other.ledger ORDER BY id";

    @TempDir
    Path dir;

    @Test
    void aRestoreReplacesTheApplicationsSchemasAndLeavesAnotherUntouched() {
        DbSettings db = TestDatabase.create();
        SampleApp.create(db);
        TestDatabase.execute(db, "CREATE SCHEMA other; CREATE TABLE other.ledger (id int PRIMARY KEY, note text);"
                + " INSERT INTO other.ledger VALUES (1, 'before the backup')");
        AppSchemas mine = AppSchemas.of(List.of("app", "reports"));
        Path file = Backups.create(db, dir.resolve("mine.backup"), BackupOptions.defaults().withAppSchemas(mine)).file();
        Fingerprint atBackup = Fingerprint.of(db, null);
        TestDatabase.execute(db, "INSERT INTO other.ledger VALUES (2, 'after the backup');"
                + " UPDATE app.customers SET name = 'changed since'");
        List<String> other = TestDatabase.pairs(db, OTHER_ROWS);

        Manifest restored = Backups.restore(db, file, RestoreOptions.forRelease("1.0.0").withAppSchemas(mine));

        assertThat(restored.schemas()).containsExactly("app", "reports");
        assertThat(TestDatabase.pairs(db, OTHER_ROWS)).isEqualTo(other).hasSize(2);
        assertThat(Fingerprint.of(db, null).differences(atBackup))
                .as("only the other application's table differs").isNotEmpty()
                .allSatisfy(difference -> assertThat(difference).contains("other.ledger"));
    }

    @Test
    void aBackupHoldingASchemaOutsideTheApplicationsIsRefused() {
        DbSettings db = TestDatabase.create();
        SampleApp.create(db);
        TestDatabase.execute(db, "CREATE SCHEMA other; CREATE TABLE other.ledger (id int)");
        Path everything = Backups.create(db, dir.resolve("all.backup"), BackupOptions.defaults()).file();
        AppSchemas mine = AppSchemas.of(List.of("app", "reports"));

        assertThatThrownBy(() -> Backups.restore(db, everything, RestoreOptions.forRelease("1.0.0").withAppSchemas(mine)))
                .isInstanceOf(RestoreRefusedException.class)
                .hasMessageContainingAll("refused, nothing was changed: it holds the schema", "other",
                        "not among the application's (app, reports, app-schemas in pitstop.yml)");
        assertThatThrownBy(() -> Backups.replay(db, everything, ReplayOptions.definitions().withAppSchemas(mine)))
                .isInstanceOf(InvalidBackupException.class)
                .hasMessageContaining("cannot be restored here: it holds the schema");
    }
}
