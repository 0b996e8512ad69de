package dev.pitstop.backup;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to restore a backup.
 *
 * @param runningRelease the application release that will run on the restored data: a backup made
 *                       by a newer release is refused
 * @param storage        the storage directory to replace with the backup's, or null to leave it be
 *                       (a backup made with {@code --no-storage} leaves it be in any case)
 * @param password       opens an encrypted backup; asked once
 * @param progress       told how the restore advances
 */
public record RestoreOptions(String runningRelease, Path storage, PasswordSource password, Progress progress) {

    public RestoreOptions {
        Objects.requireNonNull(runningRelease, "runningRelease: the release a restored database will run with");
        Objects.requireNonNull(password, "password: use PasswordSource.NONE for none");
        Objects.requireNonNull(progress, "progress: use Progress.NONE for none");
    }

    public static RestoreOptions forRelease(String runningRelease) {
        return new RestoreOptions(runningRelease, null, PasswordSource.NONE, Progress.NONE);
    }

    public RestoreOptions withStorage(Path dir) {
        return new RestoreOptions(runningRelease, dir, password, progress);
    }

    public RestoreOptions withPassword(PasswordSource source) {
        return new RestoreOptions(runningRelease, storage, source, progress);
    }

    public RestoreOptions withProgress(Progress listener) {
        return new RestoreOptions(runningRelease, storage, password, listener);
    }
}
