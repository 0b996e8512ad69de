package dev.pitstop.backup;

import dev.pitstop.backup.schema.Definitions.Table;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * Loads blocks of rows with {@code COPY ... FROM STDIN}, keeping one COPY open while consecutive
 * blocks belong to the same table: parallel workers interleave tables in the file, a restore loads
 * them over one connection.
 */
public final class TableLoader {

    private final CopyManager copyManager;
    private Table current;
    private CopyIn copy;

    public TableLoader(Connection connection) throws SQLException {
        this.copyManager = connection.unwrap(PGConnection.class).getCopyAPI();
    }

    public void load(Table table, byte[] rows, int length) throws SQLException {
        if (current != table) {
            end();
            copy = copyManager.copyIn(table.copyFrom());
            current = table;
        }
        try {
            copy.writeToCopy(rows, 0, length);
        } catch (SQLException e) {
            throw naming(table, e);
        }
    }

    /** Ends the open COPY, if any, so that the connection can run other statements. */
    public void end() throws SQLException {
        if (copy != null) {
            CopyIn ending = copy;
            Table table = current;
            copy = null;
            current = null;
            try {
                ending.endCopy();
            } catch (SQLException e) {
                throw naming(table, e);
            }
        }
    }

    /**
     * PostgreSQL reports a row that breaks a check when the COPY's data reaches it, which may be
     * while another table's blocks are read: the message names the table whose rows failed.
     */
    private static SQLException naming(Table table, SQLException e) {
        return new SQLException("rows of table " + table.name() + " could not be loaded: " + e.getMessage(),
                e.getSQLState(), e);
    }

    /** After a failure: abandons the open COPY, so that the transaction can be rolled back. */
    public void cancel() {
        if (copy != null && copy.isActive()) {
            try {
                copy.cancelCopy();
            } catch (SQLException ignored) {
                // the rollback that follows, or the connection's end, undoes the COPY anyway
            }
        }
        copy = null;
        current = null;
    }
}
