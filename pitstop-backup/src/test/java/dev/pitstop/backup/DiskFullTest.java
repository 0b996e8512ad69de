package dev.pitstop.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pitstop.db.DbSettings;
import dev.pitstop.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup into a file system too small for it, a real one: a 512 KB tmpfs. Mounting needs root;
 * where the test cannot mount, it is skipped and says why.
 */
class DiskFullTest {

    @TempDir
    Path dir;

    private Path small;

    @BeforeEach
    void mountASmallFileSystem() throws Exception {
        small = Files.createDirectory(dir.resolve("small"));
        int exit = run("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", small.toString());
        assumeTrue(exit == 0, "cannot mount a tmpfs here (needs root): the disk-full test is skipped");
    }

    @AfterEach
    void unmount() throws Exception {
        run("umount", small.toString());
    }

    @Test
    void aBackupThatRunsOutOfSpaceLeavesNoFileAndSaysWhatItNeeds() throws Exception {
        DbSettings db = TestDatabase.create();
        TestDatabase.execute(db, "CREATE SCHEMA app; CREATE TABLE app.small AS SELECT 1 AS id");
        BackupCatalog catalog = new BackupCatalog(small);
        Backups.create(db, catalog.newFile(Instant.parse("2024-05-01T10:00:00Z")),
                BackupOptions.defaults().withRelease("1.0.0"));
        // Random hex compresses to about half: 2.5 MB of it cannot fit in what is left of 512 KB.
        TestDatabase.execute(db, "CREATE TABLE app.big AS SELECT r.id, (SELECT string_agg(md5(random()::text || r.id || k.n), '') "
                + "FROM generate_series(1, 40) k(n)) AS noise FROM generate_series(1, 2000) r(id)");
        Path second = catalog.newFile(Instant.parse("2024-05-02T10:00:00Z"));

        assertThatThrownBy(() -> Backups.create(db, second, BackupOptions.defaults().withRelease("1.0.0")))
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("the file system of " + small + " is full")
                .hasMessageMatching("(?s).*the backup needs up to \\d+\\.\\d MB .*")
                .hasMessageContaining("or choose another file with --output");

        assertThat(catalog.list()).extracting(BackupInfo::name).containsExactly("backup-20240501-100000.backup");
        try (var files = Files.list(small)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("backup-20240501-100000.backup");
        }
    }

    private static int run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return process.waitFor(30, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }
}
