package dev.pitstop.backup;

import dev.pitstop.backup.format.KeyDerivation;
import dev.pitstop.backup.schema.AppSchemas;
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
 * @param progress   told how the backup advances
 * @param appSchemas the schemas the backup carries
 */
public record BackupOptions(Path storage, PasswordSource password, String release, int workers,
                            KeyDerivation.Cost kdfCost, Progress progress, AppSchemas appSchemas) {

    public BackupOptions {
        Objects.requireNonNull(password, "password: use PasswordSource.NONE for none");
        Objects.requireNonNull(kdfCost, "kdfCost");
        Objects.requireNonNull(progress, "progress: use Progress.NONE for none");
        Objects.requireNonNull(appSchemas, "appSchemas: use AppSchemas.ALL for the default");
        if (workers < 1) {
            throw new IllegalArgumentException("a backup needs at least one worker, got " + workers);
        }
    }

    /** No storage, no encryption, the installed release, two workers, every schema but the control and system ones. */
    public static BackupOptions defaults() {
        return new BackupOptions(null, PasswordSource.NONE, null, 2, KeyDerivation.Cost.DEFAULT, Progress.NONE,
                AppSchemas.ALL);
    }

    public BackupOptions withAppSchemas(AppSchemas schemas) {
        return new BackupOptions(storage, password, release, workers, kdfCost, progress, schemas);
    }

    public BackupOptions withStorage(Path dir) {
        return new BackupOptions(dir, password, release, workers, kdfCost, progress, appSchemas);
    }

    public BackupOptions withPassword(PasswordSource source) {
        return new BackupOptions(storage, source, release, workers, kdfCost, progress, appSchemas);
    }

    public BackupOptions withRelease(String version) {
        return new BackupOptions(storage, password, version, workers, kdfCost, progress, appSchemas);
    }

    public BackupOptions withWorkers(int count) {
        return new BackupOptions(storage, password, release, count, kdfCost, progress, appSchemas);
    }

    public BackupOptions withKdfCost(KeyDerivation.Cost cost) {
        return new BackupOptions(storage, password, release, workers, cost, progress, appSchemas);
    }

    public BackupOptions withProgress(Progress listener) {
        return new BackupOptions(storage, password, release, workers, kdfCost, listener, appSchemas);
    }
}
