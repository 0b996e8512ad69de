package dev.pitstop.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.db.DbSettings;
import dev.pitstop.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupCatalogTest {

    @TempDir
    Path dir;

    @Test
    void listShowsEveryBackupNewestFirstWithoutItsPassword() throws IOException {
        DbSettings db = TestDatabase.create();
        TestDatabase.execute(db, "CREATE SCHEMA app; CREATE TABLE app.t (x int)");
        BackupCatalog catalog = new BackupCatalog(dir);
        Backups.create(db, catalog.newFile(Instant.parse("2024-05-01T10:00:00Z")), BackupOptions.defaults().withRelease("1.0.0"));
        Backups.create(db, catalog.newFile(Instant.parse("2024-05-02T10:00:00Z")),
                BackupOptions.defaults().withRelease("1.1.0").withPassword(PasswordSource.of("pw".toCharArray())));
        Files.writeString(dir.resolve("junk.backup"), "not a backup");
        Files.writeString(dir.resolve("half-written.backup.partial"), "");
        Files.writeString(dir.resolve("notes.txt"), "");

        assertThat(catalog.list()).extracting(BackupInfo::name)
                .containsExactly("backup-20240502-100000.backup", "backup-20240501-100000.backup", "junk.backup");
        BackupInfo newest = catalog.list().get(0);
        assertThat(newest.release()).isEqualTo("1.1.0");
        assertThat(newest.encrypted()).isTrue();
        assertThat(newest.size()).isEqualTo(Files.size(newest.file()));
        assertThat(newest.problem()).isNull();
        assertThat(catalog.list().get(1).encrypted()).isFalse();
        assertThat(catalog.list().get(2).problem()).contains("is not a Pitstop backup");
    }

    @Test
    void deleteTakesOnlyNamesOfTheCatalogue() throws IOException {
        BackupCatalog catalog = new BackupCatalog(dir.resolve("backups"));
        Files.createDirectories(catalog.dir());
        Files.writeString(dir.resolve("outside.backup"), "");
        Files.writeString(catalog.dir().resolve("gone.backup"), "");

        assertThatThrownBy(() -> catalog.delete("../outside.backup"))
                .isInstanceOf(BackupException.class).hasMessageContaining("no backup named \"../outside.backup\"");
        assertThatThrownBy(() -> catalog.delete("missing.backup")).hasMessageContaining("see backup list");
        catalog.delete("gone.backup");

        assertThat(dir.resolve("outside.backup")).exists();
        assertThat(catalog.list()).isEmpty();
    }
}
