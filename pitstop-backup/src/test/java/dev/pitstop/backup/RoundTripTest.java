package dev.pitstop.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.backup.format.EntryKind;
import dev.pitstop.backup.format.Manifest;
import dev.pitstop.db.DbSettings;
import dev.pitstop.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoundTripTest {

    @TempDir
    Path dir;

    @Test
    void restoreBringsBackTheExactDatabaseAndStorage() throws IOException {
        DbSettings db = TestDatabase.create();
        SampleApp.create(db);
        Path storage = dir.resolve("storage");
        SampleApp.storage(storage);
        Fingerprint before = Fingerprint.of(db, storage);
        List<ProgressUpdate> updates = Collections.synchronizedList(new ArrayList<>());

        BackupResult result = Backups.create(db, dir.resolve("full.backup"),
                BackupOptions.defaults().withStorage(storage).withRelease("1.0.0").withProgress(updates::add));

        TestDatabase.execute(db, "DROP SCHEMA app CASCADE; DROP SCHEMA reports CASCADE;"
                + " CREATE SCHEMA app; CREATE TABLE app.stranger (x int); INSERT INTO app.stranger VALUES (1)");
        Files.delete(storage.resolve("uploads/2024/notes.txt"));
        Files.writeString(storage.resolve("stranger.txt"), "not in the backup");
        assertThat(Fingerprint.of(db, storage)).isNotEqualTo(before);

        Backups.restore(db, result.file(), RestoreOptions.forRelease("1.0.0").withStorage(storage)
                .withProgress(updates::add));

        assertThat(Fingerprint.of(db, storage).differences(before)).isEmpty();
        assertThat(before.items()).containsKeys("comment on trigger items_touch on table app.items",
                "comment on column price of table app.items", "comment on schema reports");
        assertThat(siblings(storage)).containsExactly("full.backup", "storage");
        Manifest manifest = result.manifest();
        assertThat(manifest.release()).isEqualTo("1.0.0");
        assertThat(manifest.schemas()).containsExactly("app", "public", "reports");
        assertThat(manifest.plugins()).extracting(Manifest.Plugin::id).containsExactly("comments", "items");
        assertThat(manifest.tables()).filteredOn(e -> e.name().equals("app.items"))
                .extracting(Manifest.Entry::rows).containsExactly(2002L);
        assertThat(manifest.entries()).filteredOn(e -> e.kind() == EntryKind.FILE).hasSize(4);
        assertThat(updates).anySatisfy(u -> {
            assertThat(u.stage()).isEqualTo(ProgressUpdate.Stage.BACKING_UP);
            assertThat(u.done()).isTrue();
            assertThat(u.bytes()).isEqualTo(result.size());
        });
        assertThat(updates).filteredOn(u -> u.stage() == ProgressUpdate.Stage.BACKING_UP)
                .flatExtracting(ProgressUpdate::current).contains("app.items");
        assertThat(updates).extracting(ProgressUpdate::stage).contains(ProgressUpdate.Stage.VERIFYING,
                ProgressUpdate.Stage.RESTORING, ProgressUpdate.Stage.FINISHING);
    }

    @Test
    void restoreIntoAnotherDatabaseAndDirectoryGivesTheSameFingerprint() throws IOException {
        DbSettings source = TestDatabase.create();
        SampleApp.create(source);
        Path storage = dir.resolve("storage");
        SampleApp.storage(storage);
        Path file = Backups.create(source, dir.resolve("b.backup"), BackupOptions.defaults().withStorage(storage)).file();

        DbSettings target = TestDatabase.create();
        Path otherStorage = dir.resolve("other-storage");
        Backups.restore(target, file, RestoreOptions.forRelease("1.0.0").withStorage(otherStorage));

        assertThat(Fingerprint.of(target, otherStorage).differences(Fingerprint.of(source, storage))).isEmpty();
        // the restored sequences go on where the originals stopped
        TestDatabase.execute(target, "INSERT INTO app.customers (code, name) VALUES ('NEW9', 'n')");
        assertThat(TestDatabase.count(target, "SELECT max(id) FROM app.customers")).isEqualTo(4);
    }

    @Test
    void encryptedBackupRoundTripsWithItsPasswordAndHidesTheData() throws IOException {
        DbSettings db = TestDatabase.create();
        SampleApp.create(db);
        Fingerprint before = Fingerprint.of(db, null);
        PasswordSource password = PasswordSource.of("correct horse".toCharArray());

        Path file = Backups.create(db, dir.resolve("secret.backup"), BackupOptions.defaults().withPassword(password)).file();

        assertThat(Backups.label(file).encrypted()).isTrue();
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).doesNotContain("ABC1", "plugins");
        assertThatThrownBy(() -> Backups.verify(file, PasswordSource.NONE)).isInstanceOf(BackupPasswordException.class);
        assertThat(Backups.verify(file, password).tables()).isNotEmpty();
        TestDatabase.execute(db, "DELETE FROM app.audit; DELETE FROM app.items");
        Backups.restore(db, file, RestoreOptions.forRelease("1.0.0").withPassword(password));
        assertThat(Fingerprint.of(db, null).differences(before)).isEmpty();
    }

    @Test
    void backupWithoutStorageLeavesTheStorageDirectoryAlone() throws IOException {
        DbSettings db = TestDatabase.create();
        SampleApp.create(db);
        Path storage = dir.resolve("storage");
        SampleApp.storage(storage);
        Path file = Backups.create(db, dir.resolve("db-only.backup"), BackupOptions.defaults()).file();
        Files.writeString(storage.resolve("later.txt"), "written after the backup");
        Fingerprint storageNow = Fingerprint.of(TestDatabase.create(), storage);

        Backups.restore(db, file, RestoreOptions.forRelease("1.0.0").withStorage(storage));

        assertThat(Backups.label(file).storage()).isFalse();
        assertThat(Fingerprint.of(TestDatabase.create(), storage)).isEqualTo(storageNow);
    }

    private static List<String> siblings(Path path) throws IOException {
        try (var list = Files.list(path.getParent())) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
