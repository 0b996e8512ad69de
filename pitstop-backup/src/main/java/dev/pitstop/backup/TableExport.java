package dev.pitstop.backup;

import dev.pitstop.backup.format.BlockCompressor;
import dev.pitstop.backup.format.EntryKind;
import dev.pitstop.backup.schema.Definitions.Table;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * Reads one table with {@code COPY ... TO STDOUT} in text format, row by row: the server sends a
 * message per row, so memory holds a block, never the table.
 */
public final class TableExport implements ExportTask {

    private final Table table;

    public TableExport(Table table) {
        this.table = table;
    }

    @Override
    public String name() {
        return table.name();
    }

    @Override
    public boolean readsDatabase() {
        return true;
    }

    @Override
    public void run(Connection snapshot, EntrySink sink, BlockCompressor compressor) throws SQLException, IOException {
        EntryWriter entry = new EntryWriter(sink, compressor, EntryKind.TABLE, table.name());
        CopyOut copy = snapshot.unwrap(PGConnection.class).getCopyAPI().copyOut(table.copyTo());
        long rows = 0;
        try {
            byte[] row;
            while ((row = copy.readFromCopy()) != null) {
                entry.write(row, 0, row.length);
                rows++;
            }
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
        entry.finish(rows);
    }
}
