package dev.pitstop.procedure;

import dev.pitstop.backup.BackupException;
import dev.pitstop.backup.BackupOptions;
import dev.pitstop.backup.Backups;
import dev.pitstop.backup.PasswordSource;
import dev.pitstop.backup.ReplayFailedException;
import dev.pitstop.backup.ReplayOptions;
import dev.pitstop.backup.schema.AppSchemas;
import dev.pitstop.db.DbSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A backup a procedure relies on to undo what it does — before an upgrade, before a restore, before
 * a migration — proved to restore before the procedure changes anything: its definitions are
 * replayed into a scratch database ({@link Backups#replay}). A backup that verifies but does not
 * replay would leave the procedure with no way back.
 */
public final class ProvenBackup {

    private final DbSettings db;
    private final ReplayOptions replay;

    /**
     * @param replay how backups are replayed: where (the scratch database setting), and which
     *               schemas are the application's, which every backup taken here carries
     */
    public ProvenBackup(DbSettings db, ReplayOptions replay) {
        this.db = db;
        this.replay = replay;
    }

    /** The application's schemas: what the procedure's backups carry, and its restores replace. */
    public AppSchemas appSchemas() {
        return replay.appSchemas();
    }

    /**
     * Writes {@code file} with {@code options} unless a sound one is there — the step ran before and
     * was interrupted after the file was complete — then proves that it restores.
     *
     * @param before what the backup comes before, like "the upgrade to 1.1.0", for the messages
     * @throws OperationException (failed) when it cannot be written, or does not restore
     */
    public void take(Path file, BackupOptions options, String before) {
        if (Files.exists(file)) {
            try {
                Backups.verify(file, options.password());
            } catch (BackupException damaged) {
                delete(file);
            }
        }
        if (!Files.exists(file)) {
            Backups.create(db, file, options.withAppSchemas(replay.appSchemas()));
        }
        prove(file, options.password(), "the backup " + file.getFileName() + " taken before " + before);
    }

    /**
     * Proves that {@code file} restores.
     *
     * @param what the backup, as the message names it
     * @throws OperationException (failed) naming the statement that does not replay
     */
    public void prove(Path file, PasswordSource password, String what) {
        try {
            Backups.replay(db, file, replay.withPassword(password));
        } catch (ReplayFailedException e) {
            throw OperationException.failed(what + " does not restore: " + e.what() + " failed when replayed into a "
                    + "scratch database: " + e.databaseMessage() + "; 'pitstop backup verify " + file + "' shows it again");
        } catch (BackupException e) {
            throw OperationException.failed("cannot prove that " + what + " restores: " + e.getMessage());
        }
    }

    private static void delete(Path file) {
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw OperationException.failed("cannot replace the damaged backup " + file + ": " + e.getMessage());
        }
    }
}
