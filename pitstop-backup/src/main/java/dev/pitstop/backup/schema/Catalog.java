package dev.pitstop.backup.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The system catalogs as the readers query them, in the reading transaction's snapshot. */
final class Catalog {

    /** The transaction's setting that names the application schemas: empty for the default. */
    private static final String SCHEMAS_SETTING = "pitstop.app_schemas";

    /**
     * Rows of an application schema's objects: {@code pg_namespace n} is the object's schema. The
     * readers' queries are constants; the schemas configured for this reading come from a setting
     * of the reading transaction, which {@link #Catalog} sets.
     */
    static final String IN_APP = "(CASE WHEN current_setting('" + SCHEMAS_SETTING + "') = '' THEN "
            + AppSchemas.ALL.condition() + " ELSE n.nspname = ANY (string_to_array(current_setting('"
            + SCHEMAS_SETTING + "'), ',')) END)";

    private final Connection c;

    /** Reads the application schemas {@code schemas} in {@code c}'s transaction, and only in it. */
    Catalog(Connection c, AppSchemas schemas) throws SQLException {
        this.c = c;
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config('" + SCHEMAS_SETTING + "', ?, true)")) {
            ps.setString(1, String.join(",", schemas.names()));
            ps.execute();
        }
    }

    interface RowAction {
        void accept(ResultSet rs) throws SQLException;
    }

    void each(String sql, RowAction action) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                action.accept(rs);
            }
        }
    }

    void execute(String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** SQL for the {@code pg_depend} address of the row {@code oid} of {@code catalog}. */
    static String address(String catalog, String oid) {
        return "('" + catalog + "'::regclass::oid::text || ':' || " + oid + ")";
    }

    /** SQL: the row {@code oid} of {@code catalog} is not a member of an extension (which makes it). */
    static String notInExtension(String catalog, String oid) {
        return "NOT EXISTS (SELECT 1 FROM pg_depend member WHERE member.classid = '" + catalog + "'::regclass"
                + " AND member.objid = " + oid + " AND member.deptype = 'e')";
    }

    /** SQL: the row is made by PostgreSQL along with another object (a range type's constructors). */
    static String notImplicit(String catalog, String oid) {
        return "NOT EXISTS (SELECT 1 FROM pg_depend made WHERE made.classid = '" + catalog + "'::regclass"
                + " AND made.objid = " + oid + " AND made.deptype = 'i')";
    }

    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
