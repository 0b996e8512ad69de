package dev.pitstop.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.db.DbSettings;
import dev.pitstop.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupSchedulerTest {

    private static final BackupSchedule NIGHTLY = new BackupSchedule("0 3 * * *", 2);

    @TempDir
    Path dir;

    @Test
    void twoNodesAtTheSameSlotMakeOneBackup() throws Exception {
        DbSettings db = TestDatabase.create();
        TestDatabase.execute(db, "CREATE SCHEMA app; CREATE TABLE app.t AS SELECT g FROM generate_series(1, 100000) g");
        BackupCatalog catalog = new BackupCatalog(dir);
        ZonedDateTime slot = ZonedDateTime.parse("2024-06-01T03:00:00Z");
        try (BackupScheduler a = scheduler(db, catalog, "node-a"); BackupScheduler b = scheduler(db, catalog, "node-b")) {
            CompletableFuture<Optional<BackupResult>> first = CompletableFuture.supplyAsync(() -> run(a, slot));
            CompletableFuture<Optional<BackupResult>> second = CompletableFuture.supplyAsync(() -> run(b, slot));

            assertThat(List.of(first.get(), second.get())).filteredOn(Optional::isPresent).hasSize(1);
            assertThat(run(a, slot)).isEmpty();
        }
        assertThat(catalog.list()).extracting(BackupInfo::name).containsExactly("scheduled-20240601-030000.backup");
    }

    @Test
    void retentionKeepsTheNewestScheduledBackupsAndEveryManualOne() throws Exception {
        DbSettings db = TestDatabase.create();
        BackupCatalog catalog = new BackupCatalog(dir);
        Backups.create(db, catalog.newFile(Instant.parse("2024-05-31T12:00:00Z")), BackupOptions.defaults());
        try (BackupScheduler scheduler = scheduler(db, catalog, "node-a")) {
            for (String day : List.of("01", "02", "03")) {
                assertThat(scheduler.runSlot(ZonedDateTime.parse("2024-06-" + day + "T03:00:00Z"))).isPresent();
            }
            BackupScheduler.Stats stats = scheduler.stats();
            assertThat(stats.lastSuccess()).isNotNull();
            assertThat(stats.lastSize()).isEqualTo(catalog.list().get(0).size());
            assertThat(stats.failures()).isZero();
        }
        assertThat(catalog.list()).extracting(BackupInfo::name).containsExactlyInAnyOrder(
                "scheduled-20240603-030000.backup", "scheduled-20240602-030000.backup", "backup-20240531-120000.backup");
    }

    @Test
    void aFailedSlotIsCountedForTheMetrics() throws Exception {
        DbSettings db = TestDatabase.create();
        BackupCatalog catalog = new BackupCatalog(dir.resolve("not-a-directory"));
        java.nio.file.Files.writeString(catalog.dir(), "a file where the backups directory should be");
        try (BackupScheduler scheduler = scheduler(db, catalog, "node-a")) {
            assertThatThrownBy(() -> scheduler.runSlot(ZonedDateTime.parse("2024-06-01T03:00:00Z")));
            assertThat(scheduler.stats().failures()).isEqualTo(1);
            assertThat(scheduler.stats().lastSuccess()).isNull();
        }
    }

    @Test
    void scheduleNamesTheNextSlotAndRefusesBadExpressions() {
        assertThat(NIGHTLY.nextSlot(ZonedDateTime.parse("2024-06-01T03:00:00Z")))
                .contains(ZonedDateTime.parse("2024-06-02T03:00:00Z"));
        assertThatThrownBy(() -> new BackupSchedule("every night", 7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("backup.cron \"every night\" is not a cron expression");
        assertThatThrownBy(() -> new BackupSchedule("0 3 * * *", 0)).hasMessage("backup.keep must be at least 1, got 0");
    }

    private BackupScheduler scheduler(DbSettings db, BackupCatalog catalog, String node) {
        return new BackupScheduler(NIGHTLY, db, catalog, BackupOptions::defaults, node, Clock.system(ZoneOffset.UTC));
    }

    private static Optional<BackupResult> run(BackupScheduler scheduler, ZonedDateTime slot) {
        try {
            return scheduler.runSlot(slot);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
