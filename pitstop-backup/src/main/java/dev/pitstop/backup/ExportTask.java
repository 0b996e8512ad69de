package dev.pitstop.backup;

import dev.pitstop.backup.format.BlockCompressor;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;

/** One unit of a backup's parallel work: a table, or the storage directory. */
interface ExportTask {

    /** What progress shows while it runs. */
    String name();

    /**
     * Writes the task's entries. {@code snapshot} is a connection in the backup's snapshot, or
     * null for a task that does not read the database.
     */
    void run(Connection snapshot, EntrySink sink, BlockCompressor compressor) throws SQLException, IOException;

    boolean readsDatabase();
}
