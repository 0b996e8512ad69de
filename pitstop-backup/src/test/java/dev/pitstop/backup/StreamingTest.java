package dev.pitstop.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.db.DbSettings;
import dev.pitstop.testing.TestDatabase;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup and restore stream: a JVM with a 64 MB heap backs up and restores a table whose rows
 * are twice that, and a storage file larger than the heap.
 */
class StreamingTest {

    private static final List<String> SMALL_HEAP = List.of("-Xmx64m", "-XX:+ExitOnOutOfMemoryError");

    @TempDir
    Path dir;

    @Test
    void tablesAndFilesLargerThanTheHeapGoThroughASmallHeap() throws Exception {
        DbSettings db = TestDatabase.create();
        TestDatabase.execute(db, "CREATE SCHEMA app; CREATE TABLE app.big AS SELECT g AS id, repeat(md5(g::text), 8) AS text"
                + " FROM generate_series(1, 450000) g");
        assertThat(TestDatabase.count(db, "SELECT sum(octet_length(text)) FROM app.big")).isGreaterThan(110_000_000);
        Path storage = Files.createDirectories(dir.resolve("storage"));
        writeLargeFile(storage.resolve("video.bin"), 80 << 20);
        Fingerprint before = Fingerprint.of(db, storage);
        Path file = dir.resolve("big.backup");

        runWithSmallHeap("create", db, file, storage);
        TestDatabase.execute(db, "TRUNCATE app.big");
        Files.delete(storage.resolve("video.bin"));
        runWithSmallHeap("restore", db, file, storage);

        assertThat(Fingerprint.of(db, storage).differences(before)).isEmpty();
    }

    private static void runWithSmallHeap(String command, DbSettings db, Path file, Path storage) throws Exception {
        Process process = ChildJvm.start(SMALL_HEAP, command, db.url(), db.user(), file.toString(), storage.toString());
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).endsWith("DONE\n");
    }

    private static void writeLargeFile(Path file, int size) throws IOException {
        byte[] block = new byte[1 << 20];
        Random random = new Random(3);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int written = 0; written < size; written += block.length) {
                random.nextBytes(block);
                out.write(block);
            }
        }
    }
}
