package dev.pitstop.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage directory is replaced whole, and put back whole when the database commit fails. */
class StorageSwapTest {

    @TempDir
    Path dir;

    @Test
    void revertAfterSwapPutsTheOldDirectoryBack() throws IOException {
        Path storage = Files.createDirectories(dir.resolve("storage"));
        Files.writeString(storage.resolve("old.txt"), "old");
        StorageSwap swap = StorageSwap.prepare(storage);
        Files.writeString(swap.staging().resolve("new.txt"), "new");

        swap.swap();
        assertThat(storage.resolve("new.txt")).hasContent("new");
        assertThat(storage.resolve("old.txt")).doesNotExist();
        swap.revert();

        assertThat(storage.resolve("old.txt")).hasContent("old");
        assertThat(storage.resolve("new.txt")).doesNotExist();
        assertThat(dir.toFile().list()).containsExactly("storage");
    }

    @Test
    void commitDropsTheOldDirectory() throws IOException {
        Path storage = Files.createDirectories(dir.resolve("storage"));
        Files.writeString(storage.resolve("old.txt"), "old");
        StorageSwap swap = StorageSwap.prepare(storage);
        Files.writeString(swap.staging().resolve("new.txt"), "new");

        swap.swap();
        swap.commit();

        assertThat(dir.toFile().list()).containsExactly("storage");
        assertThat(storage.resolve("new.txt")).hasContent("new");
    }

    @Test
    void swapIntoAMissingDirectoryAndRevertLeavesNothing() throws IOException {
        Path storage = dir.resolve("storage");
        StorageSwap swap = StorageSwap.prepare(storage);
        Files.writeString(swap.staging().resolve("new.txt"), "new");

        swap.swap();
        assertThat(storage.resolve("new.txt")).hasContent("new");
        swap.revert();

        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void theNextRestoreDeletesTheStagingOfAKilledOneAndKeepsPreviousDirectories() throws IOException {
        Path storage = Files.createDirectories(dir.resolve("storage"));
        Path killed = Files.createDirectories(dir.resolve(".storage.restore-0b1f/uploads"));
        Files.writeString(killed.resolve("half.bin"), "half");
        Path previous = Files.createDirectories(dir.resolve(".storage.previous-7c2e"));

        StorageSwap swap = StorageSwap.prepare(storage);

        assertThat(dir.resolve(".storage.restore-0b1f")).doesNotExist();
        assertThat(previous).exists();
        assertThat(swap.staging()).exists();
    }
}
