package dev.pitstop.backup;

import dev.pitstop.db.DbSettings;
import java.nio.file.Path;

/**
 * The engine in a process of its own, for tests that kill it part-way or bound its heap. Prints
 * each progress update as "STAGE bytes [current]", so that a test knows when to strike, and "DONE"
 * at the end.
 */
public final class EngineProcess {

    private EngineProcess() {
    }

    /** Arguments: create|restore, JDBC URL, user, backup file, storage directory. */
    public static void main(String[] args) {
        DbSettings db = new DbSettings(args[1], args[2], null);
        Path file = Path.of(args[3]);
        Path storage = Path.of(args[4]);
        Progress print = update -> {
            System.out.println(update.stage() + " " + update.bytes() + " " + update.current());
            System.out.flush();
        };
        switch (args[0]) {
            case "create" -> Backups.create(db, file, BackupOptions.defaults().withStorage(storage).withProgress(print));
            case "restore" -> Backups.restore(db, file, RestoreOptions.forRelease("1.0.0").withStorage(storage)
                    .withProgress(print));
            default -> throw new IllegalArgumentException("create or restore, not " + args[0]);
        }
        System.out.println("DONE");
    }
}
