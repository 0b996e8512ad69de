package dev.pitstop.migration;

import dev.pitstop.backup.schema.AppSchemas;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The primary keys of the application's tables. A key is <em>database-generated</em> when any of
 * its columns gets its value from the database rather than the application: an identity column, a
 * {@code serial} ({@code nextval}) or any other default, or a generated column. Two databases make
 * such values each on its own, so an equal key in the source and the target does not mean the
 * same row: matching rows by it ({@code upsert}, {@code insert-ignore}) would overwrite or drop
 * unrelated rows.
 *
 * @param columns quoted, in key order
 */
record PrimaryKey(List<String> columns, boolean generated) {

    static Map<String, PrimaryKey> read(Connection c, AppSchemas appSchemas) throws SQLException {
        Map<String, PrimaryKey> keys = new HashMap<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT format('%I.%I', n.nspname, c.relname),"
                     + " array_agg(quote_ident(a.attname) ORDER BY k.position),"
                     + " bool_or(a.attidentity <> '' OR a.attgenerated <> '' OR a.atthasdef)"
                     + " FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                     + " CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)"
                     + " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum"
                     + " WHERE i.indisprimary AND " + appSchemas.condition() + " GROUP BY 1")) {
            while (rs.next()) {
                Array columns = rs.getArray(2);
                keys.put(rs.getString(1), new PrimaryKey(Arrays.asList((String[]) columns.getArray()), rs.getBoolean(3)));
            }
        }
        return keys;
    }
}
