package dev.pitstop.backup.schema;

import dev.pitstop.control.ControlSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Which schemas hold the application: every schema but the control schema and PostgreSQL's own.
 * The core may add schemas later; a backup carries them without being told.
 */
public final class AppSchemas {

    /** A condition on a {@code pg_namespace} row aliased {@code n}. */
    public static final String CONDITION = "(n.nspname <> '" + ControlSchema.NAME + "'"
            + " AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_')";

    private AppSchemas() {
    }

    /** The application schemas' quoted names, sorted. */
    public static List<String> list(Connection c) throws SQLException {
        List<String> schemas = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT quote_ident(n.nspname) FROM pg_namespace n WHERE "
                     + CONDITION + " ORDER BY n.nspname")) {
            while (rs.next()) {
                schemas.add(rs.getString(1));
            }
        }
        return schemas;
    }
}
