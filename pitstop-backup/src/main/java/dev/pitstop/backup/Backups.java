package dev.pitstop.backup;

import dev.pitstop.backup.ProgressUpdate.Stage;
import dev.pitstop.backup.format.BackupLabel;
import dev.pitstop.backup.format.BackupReader;
import dev.pitstop.backup.format.Manifest;
import dev.pitstop.db.DbSettings;
import java.nio.file.Path;

/**
 * Backup and restore of the application: its schemas in PostgreSQL (every schema but the control
 * schema {@code pitstop} and the system ones) and its storage directory, in one file. Works over
 * the JDBC driver alone; no {@code pg_dump} is needed.
 */
public final class Backups {

    private Backups() {
    }

    /**
     * Writes a backup of the database and, if the options give one, the storage directory, to
     * {@code file}, which must not exist. Nothing is left behind if it fails.
     *
     * @throws UnsupportedObjectsException when the schemas hold objects a backup cannot carry
     * @throws BackupException             when it fails for another reason
     */
    public static BackupResult create(DbSettings db, Path file, BackupOptions options) {
        return BackupCreator.create(db, file, options);
    }

    /**
     * Reads the whole file and checks every chunk and every entry against the manifest.
     *
     * @return the manifest of a sound backup
     * @throws InvalidBackupException  when it is not a backup, is damaged or truncated
     * @throws BackupPasswordException when it is encrypted and the password is missing or wrong
     */
    public static Manifest verify(Path file, PasswordSource password) {
        return verify(file, password, Progress.NONE);
    }

    public static Manifest verify(Path file, PasswordSource password, Progress progress) {
        try (BackupReader reader = BackupReader.open(file, password)) {
            ProgressMeter meter = new ProgressMeter(progress, Stage.VERIFYING, reader.size());
            while (reader.next() != null) {
                meter.bytes(reader.position());
            }
            meter.bytes(reader.position());
            meter.done();
            return reader.manifest();
        }
    }

    /**
     * Proves that {@code file} restores: verifies it as {@link #verify} does, then replays its
     * definitions (before-data statements, then after-data ones) — and, if the options ask, loads
     * its rows between them — into a scratch database on {@code db}'s server, created for this and
     * always dropped afterwards, or into the options' scratch database in a transaction rolled back.
     * The cluster's database is not touched.
     *
     * @return the manifest of a backup that restores
     * @throws ReplayFailedException     naming the first statement (kind, object) or table that
     *                                   did not replay, with PostgreSQL's message
     * @throws ScratchDatabaseException  when no scratch database could be made, saying what to do
     * @throws InvalidBackupException    when it is not a backup, is damaged or truncated
     * @throws BackupPasswordException   when it is encrypted and the password is missing or wrong
     */
    public static Manifest replay(DbSettings db, Path file, ReplayOptions options) {
        if (options.scratch() != null) {
            return Restorer.replay(options.scratch(), file, options);
        }
        try (ScratchDatabase scratch = ScratchDatabase.create(db)) {
            return Restorer.replay(scratch.settings(), file, options);
        }
    }

    /**
     * Replaces the application schemas, and the storage directory if the options give one, with
     * the backup's.
     *
     * @return the restored backup's manifest
     * @throws RestoreRefusedException when the checks refuse it; nothing was changed
     * @throws BackupException         when it failed; the database and the storage directory were
     *                                 left as they were
     */
    public static Manifest restore(DbSettings db, Path file, RestoreOptions options) {
        return Restorer.restore(db, file, options);
    }

    /**
     * Runs the checks of {@link #restore} — the release that made the backup, the whole file's
     * verification, the server's settings — without changing anything: a procedure refuses with
     * them before it takes the cluster down.
     *
     * @return the manifest of a backup that can be restored
     * @throws RestoreRefusedException when the checks refuse it
     */
    public static Manifest checkRestore(DbSettings db, Path file, RestoreOptions options) {
        return Restorer.check(db, file, options);
    }

    /** What {@code file} says about itself in clear text, without its password or a full read. */
    public static BackupLabel label(Path file) {
        return BackupReader.label(file);
    }
}
