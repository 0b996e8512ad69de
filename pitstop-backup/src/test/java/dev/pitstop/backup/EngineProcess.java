package dev.pitstop.backup;

import dev.pitstop.db.DbSettings;
import java.nio.file.Path;

/**
 * A restore in a process of its own, for tests that kill it part-way. Prints each progress update
 * as "STAGE bytes current", so that the test knows when to strike.
 */
public final class RestoreProcess {

    private RestoreProcess() {
    }

    /** Arguments: JDBC URL, user, backup file, storage directory. */
    public static void main(String[] args) {
        DbSettings db = new DbSettings(args[0], args[1], null);
        Backups.restore(db, Path.of(args[2]), RestoreOptions.forRelease("1.0.0").withStorage(Path.of(args[3]))
                .withProgress(update -> {
                    System.out.println(update.stage() + " " + update.bytes() + " " + update.current());
                    System.out.flush();
                }));
        System.out.println("RESTORED");
    }
}
