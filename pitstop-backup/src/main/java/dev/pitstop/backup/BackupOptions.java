package dev.pitstop.backup;

import dev.pitstop.backup.format.KeyDerivation;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How to make a backup. Start from {@link #defaults()}.
 *
 * @param storage  the storage directory to carry, or null for none ({@code --no-storage})
 * @param password encrypts the backup when it gives a password
 * @param release  the application release to record; null reads the installed release from the
 *                 control schema, and leaves it unknown when there is none
 * @param workers  how many tables are read at once, each over a connection of its own
 * @param kdfCost  how hard the password is made to guess
 * @param progress told how the backup advances
 */
public record BackupOptions(Path storage, PasswordSource password, String release, int workers,
                            KeyDerivation.Cost kdfCost, Progress progress) {

    public BackupOptions {
        Objects.requireNonNull(password, "password: use PasswordSource.NONE for none");
        Objects.requireNonNull(kdfCost, "kdfCost");
        Objects.requireNonNull(progress, "progress: use Progress.NONE for none");
        if (workers < 1) {
            throw new IllegalArgumentException("a backup needs at least one worker, got " + workers);
        }
    }

    /** No storage, no encryption, the installed release, two workers. */
    public static BackupOptions defaults() {
        return new BackupOptions(null, PasswordSource.NONE, null, 2, KeyDerivation.Cost.DEFAULT, Progress.NONE);
    }

    public BackupOptions withStorage(Path dir) {
        return new BackupOptions(dir, password, release, workers, kdfCost, progress);
    }

    public BackupOptions withPassword(PasswordSource source) {
        return new BackupOptions(storage, source, release, workers, kdfCost, progress);
    }

    public BackupOptions withRelease(String version) {
        return new BackupOptions(storage, password, version, workers, kdfCost, progress);
    }

    public BackupOptions withWorkers(int count) {
        return new BackupOptions(storage, password, release, count, kdfCost, progress);
    }

    public BackupOptions withKdfCost(KeyDerivation.Cost cost) {
        return new BackupOptions(storage, password, release, workers, cost, progress);
    }

    public BackupOptions withProgress(Progress listener) {
        return new BackupOptions(storage, password, release, workers, kdfCost, listener);
    }
}
