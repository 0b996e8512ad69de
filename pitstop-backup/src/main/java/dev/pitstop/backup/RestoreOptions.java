package dev.pitstop.backup;

import dev.pitstop.backup.schema.AppSchemas;
import dev.pitstop.backup.schema.Definitions;
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
 * @param appSchemas     the schemas the restore drops and replaces, never another; a backup holding
 *                       another is refused
 * @param owners         whether objects get their owners back; without, they belong to the user
 *                       who restores (pg_restore's {@code --no-owner})
 * @param privileges     whether grants and default privileges come back (pg_restore's
 *                       {@code --no-privileges})
 */
public record RestoreOptions(String runningRelease, Path storage, PasswordSource password, Progress progress,
                             AppSchemas appSchemas, boolean owners, boolean privileges) {

    public RestoreOptions {
        Objects.requireNonNull(runningRelease, "runningRelease: the release a restored database will run with");
        Objects.requireNonNull(password, "password: use PasswordSource.NONE for none");
        Objects.requireNonNull(progress, "progress: use Progress.NONE for none");
        Objects.requireNonNull(appSchemas, "appSchemas: use AppSchemas.ALL for the default");
    }

    public static RestoreOptions forRelease(String runningRelease) {
        return new RestoreOptions(runningRelease, null, PasswordSource.NONE, Progress.NONE, AppSchemas.ALL, true, true);
    }

    public RestoreOptions withStorage(Path dir) {
        return new RestoreOptions(runningRelease, dir, password, progress, appSchemas, owners, privileges);
    }

    public RestoreOptions withPassword(PasswordSource source) {
        return new RestoreOptions(runningRelease, storage, source, progress, appSchemas, owners, privileges);
    }

    public RestoreOptions withProgress(Progress listener) {
        return new RestoreOptions(runningRelease, storage, password, listener, appSchemas, owners, privileges);
    }

    public RestoreOptions withAppSchemas(AppSchemas schemas) {
        return new RestoreOptions(runningRelease, storage, password, progress, schemas, owners, privileges);
    }

    public RestoreOptions withoutOwners() {
        return new RestoreOptions(runningRelease, storage, password, progress, appSchemas, false, privileges);
    }

    public RestoreOptions withoutPrivileges() {
        return new RestoreOptions(runningRelease, storage, password, progress, appSchemas, owners, false);
    }

    /** Whether a statement of this kind runs under these options. */
    boolean runs(Definitions.Ddl ddl) {
        return switch (ddl.kind()) {
            case Definitions.Ddl.OWNER -> owners;
            case Definitions.Ddl.PRIVILEGES, Definitions.Ddl.DEFAULT_PRIVILEGES -> privileges;
            default -> true;
        };
    }
}
