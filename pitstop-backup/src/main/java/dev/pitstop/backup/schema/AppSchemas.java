package dev.pitstop.backup.schema;

import dev.pitstop.control.ControlSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which schemas hold the application: by default every schema but the control schema and
 * PostgreSQL's own, so that schemas the core adds later are carried without being told; or the
 * schemas an operator names ({@code app-schemas} in {@code pitstop.yml}), for a database shared with
 * other applications, whose schemas a backup must not carry nor a restore drop.
 */
public final class AppSchemas {

    /** Every schema but the control schema and PostgreSQL's own. */
    public static final AppSchemas ALL = new AppSchemas(List.of());

    /** Names a condition can hold as literals: lower-case SQL identifiers, as unquoted names fold to. */
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_$]{0,62}");
    private static final String NOT_SYSTEM = "n.nspname <> '" + ControlSchema.NAME + "'"
            + " AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'";

    private final List<String> names;

    private AppSchemas(List<String> names) {
        this.names = names;
    }

    /**
     * The schemas named, or {@link #ALL} for none.
     *
     * @throws IllegalArgumentException for a name that is not a lower-case identifier, the control
     *                                  schema or a system schema, naming it
     */
    public static AppSchemas of(List<String> names) {
        if (names == null || names.isEmpty()) {
            return ALL;
        }
        for (String name : names) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("application schema '" + name + "' is not a lower-case SQL "
                        + "identifier (letters a-z, digits, _ and $, not starting with a digit)");
            }
            if (name.equals(ControlSchema.NAME) || name.equals("information_schema") || name.startsWith("pg_")) {
                throw new IllegalArgumentException("'" + name + "' cannot be an application schema: it is "
                        + (name.equals(ControlSchema.NAME) ? "Pitstop's control schema" : "PostgreSQL's own"));
            }
        }
        return new AppSchemas(List.copyOf(names.stream().distinct().sorted().toList()));
    }

    /** The schemas named, sorted; empty for {@link #ALL}. */
    public List<String> names() {
        return names;
    }

    /** A condition on a {@code pg_namespace} row aliased {@code n}: whether it is an application schema. */
    public String condition() {
        if (names.isEmpty()) {
            return "(" + NOT_SYSTEM + ")";
        }
        // The names are checked identifiers, so they are safe as literals.
        return "(n.nspname IN ('" + String.join("', '", names) + "'))";
    }

    /** Whether {@code schema}, quoted as {@code quote_ident} prints it, is an application schema. */
    public boolean includes(String schema) {
        String name = schema.startsWith("\"") && schema.endsWith("\"") && schema.length() > 1
                ? schema.substring(1, schema.length() - 1).replace("\"\"", "\"") : schema;
        if (names.isEmpty()) {
            return !name.equals(ControlSchema.NAME) && !name.equals("information_schema") && !name.startsWith("pg_");
        }
        return names.contains(name);
    }

    /** The application schemas that exist in {@code c}'s database, quoted, sorted. */
    public List<String> list(Connection c) throws SQLException {
        List<String> schemas = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT quote_ident(n.nspname) FROM pg_namespace n WHERE "
                     + condition() + " ORDER BY n.nspname")) {
            while (rs.next()) {
                schemas.add(rs.getString(1));
            }
        }
        return schemas;
    }

    /** For messages: "every schema but ..." or the names. */
    @Override
    public String toString() {
        return names.isEmpty() ? "every schema but " + ControlSchema.NAME + " and the system ones"
                : String.join(", ", names);
    }
}
