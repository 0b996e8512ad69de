package dev.pitstop.migration;

import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * What {@code migration check} runs a file's statements and rows as, when it connects as a user
 * that could leave the database (a superuser — the embedded database's — or a member of
 * {@code pg_execute_server_program} or the server-file roles, with which {@code COPY ... TO
 * PROGRAM} runs shell commands): a role made for the one check, in its transaction, that cannot
 * log in and has no attribute and no membership. It is lent what the migration needs — privileges on the
 * application schemas and their tables, sequences and routines, ownership of the tables that move
 * and of the routines and types it may replace — and the check switches to it with
 * {@code SET LOCAL ROLE}. The rollback that ends every check takes the role and the loans back.
 *
 * <p>A statement that resets the role itself ({@code RESET ROLE}, {@code SET ROLE}) goes back to
 * the connecting user: the signature check before (a file signed by a trusted key only) is what
 * keeps such statements out.
 */
final class CheckRole {

    private static final SecureRandom RANDOM = new SecureRandom();

    private CheckRole() {
    }

    /** Whether the connection's user needs confining: it could reach outside the database. */
    static boolean needed(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT rolsuper "
                + "OR pg_has_role(current_user, 'pg_execute_server_program', 'USAGE') "
                + "OR pg_has_role(current_user, 'pg_write_server_files', 'USAGE') "
                + "OR pg_has_role(current_user, 'pg_read_server_files', 'USAGE') "
                + "FROM pg_roles WHERE rolname = current_user")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /**
     * Makes the role, lends it what the migration needs and switches to it until the transaction ends.
     *
     * @param schemas the application schemas, quoted as {@code quote_ident} prints them
     * @param tables  the tables whose definitions may change, quoted and schema-qualified
     * @return the role's name
     */
    static String assume(Connection c, Collection<String> schemas, Collection<String> tables) throws SQLException {
        byte[] suffix = new byte[8];
        RANDOM.nextBytes(suffix);
        String role = "pitstop_check_" + HexFormat.of().formatHex(suffix);
        execute(c, "CREATE ROLE " + role + " NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION "
                + "NOBYPASSRLS");
        Array schemaNames = c.createArrayOf("text", schemas.toArray());
        Array tableNames = c.createArrayOf("text", tables.toArray());
        List<String> loans = new ArrayList<>();
        loans.addAll(statements(c, "SELECT format('GRANT CREATE, TEMPORARY ON DATABASE %I TO %I', current_database(), ?)",
                role));
        loans.addAll(statements(c, "SELECT format('GRANT USAGE, CREATE ON SCHEMA %1$I TO %2$I; "
                + "GRANT ALL ON ALL TABLES IN SCHEMA %1$I TO %2$I; GRANT ALL ON ALL SEQUENCES IN SCHEMA %1$I TO %2$I; "
                + "GRANT ALL ON ALL ROUTINES IN SCHEMA %1$I TO %2$I', nspname, ?) "
                + "FROM pg_namespace WHERE quote_ident(nspname) = ANY (?)", role, schemaNames));
        loans.addAll(statements(c, "SELECT format('ALTER ROUTINE %s OWNER TO %I', p.oid::regprocedure, ?) "
                + "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE quote_ident(n.nspname) = ANY (?) "
                + "AND p.prokind IN ('f', 'p') AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = "
                + "'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')",
                role, schemaNames));
        loans.addAll(statements(c, "SELECT format('ALTER %s %s OWNER TO %I', CASE t.typtype WHEN 'd' THEN 'DOMAIN' "
                + "ELSE 'TYPE' END, t.oid::regtype, ?) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                + "WHERE quote_ident(n.nspname) = ANY (?) AND t.typtype IN ('e', 'd', 'r', 'm') AND NOT EXISTS (SELECT 1 "
                + "FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')",
                role, schemaNames));
        loans.addAll(statements(c, "SELECT format('ALTER TABLE %s OWNER TO %I', t, ?) "
                + "FROM unnest(?::text[]) AS name, to_regclass(name) AS t WHERE t IS NOT NULL", role, tableNames));
        for (String loan : loans) {
            execute(c, loan);
        }
        execute(c, "SET LOCAL ROLE " + role);
        return role;
    }

    /** The statements {@code sql} makes, one a row; PostgreSQL's {@code format} quotes every name in them. */
    private static List<String> statements(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<String> statements = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    statements.add(rs.getString(1));
                }
            }
            return statements;
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
