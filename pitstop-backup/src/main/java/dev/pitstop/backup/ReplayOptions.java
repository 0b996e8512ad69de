package dev.pitstop.backup;

import dev.pitstop.backup.schema.AppSchemas;
import dev.pitstop.db.DbSettings;
import java.util.Objects;

/**
 * How to prove that a backup restores. Start from {@link #definitions()}.
 *
 * @param rows     whether the rows are loaded too, with the constraints and indexes built over them,
 *                 as a restore does; without, only the definitions are replayed (fast)
 * @param scratch  a database to replay into, in a transaction that is rolled back, for a database
 *                 user that may not create databases; null creates a scratch database for the
 *                 replay and drops it afterwards
 * @param password opens an encrypted backup; asked once
 * @param progress   told how the replay advances
 * @param appSchemas the schemas a restore would drop and replace: a backup holding another fails
 */
public record ReplayOptions(boolean rows, DbSettings scratch, PasswordSource password, Progress progress,
                            AppSchemas appSchemas) {

    public ReplayOptions {
        Objects.requireNonNull(password, "password: use PasswordSource.NONE for none");
        Objects.requireNonNull(progress, "progress: use Progress.NONE for none");
        Objects.requireNonNull(appSchemas, "appSchemas: use AppSchemas.ALL for the default");
    }

    /** The definitions only, into a scratch database made for it, without password or progress. */
    public static ReplayOptions definitions() {
        return new ReplayOptions(false, null, PasswordSource.NONE, Progress.NONE, AppSchemas.ALL);
    }

    public ReplayOptions withRows(boolean load) {
        return new ReplayOptions(load, scratch, password, progress, appSchemas);
    }

    public ReplayOptions withScratch(DbSettings database) {
        return new ReplayOptions(rows, database, password, progress, appSchemas);
    }

    public ReplayOptions withPassword(PasswordSource source) {
        return new ReplayOptions(rows, scratch, source, progress, appSchemas);
    }

    public ReplayOptions withProgress(Progress listener) {
        return new ReplayOptions(rows, scratch, password, listener, appSchemas);
    }

    public ReplayOptions withAppSchemas(AppSchemas schemas) {
        return new ReplayOptions(rows, scratch, password, progress, schemas);
    }
}
