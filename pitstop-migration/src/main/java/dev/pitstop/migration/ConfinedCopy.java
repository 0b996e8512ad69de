package dev.pitstop.migration;

import dev.pitstop.backup.ScratchDatabase;
import dev.pitstop.backup.schema.AppSchemas;
import dev.pitstop.db.Database;
import dev.pitstop.db.DbSettings;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * Where {@code migration check} runs a file's statements and rows when the target's user could
 * leave the database (a superuser — the embedded database's — or a member of
 * {@code pg_execute_server_program} or the server-file roles, with which {@code COPY ... TO
 * PROGRAM} runs shell commands): never on the live database, but on a scratch copy of its
 * application schemas and rows ({@link ScratchDatabase#copyOf}), over a connection of its own that
 * logs in as a role made for the one check.
 *
 * <p>The role is {@code NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS}, a member of
 * nothing, and its random password exists only in this process (sent as a SCRAM verifier). As the
 * session's own user, nothing the file runs — {@code RESET ROLE}, {@code SET ROLE}, {@code SET
 * SESSION AUTHORIZATION} — can reach another user's rights. In the copy it is lent what the
 * migration needs: privileges on the application schemas and their tables, sequences and routines,
 * ownership of the tables that move and of the routines and types it may replace. Closing drops
 * the copy, then the role.
 */
final class ConfinedCopy implements AutoCloseable {

    private static final String APPLICATION_NAME = "pitstop-migration-check";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DbSettings target;
    private final String role;
    private ScratchDatabase copy;
    private Connection connection;

    private ConfinedCopy(DbSettings target, String role) {
        this.target = target;
        this.role = role;
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
     * Makes the role and the copy, lends the role what the migration needs there, and logs in as it.
     *
     * @param appSchemas the schemas the copy holds
     * @param schemas    the schemas to lend, quoted as {@code quote_ident} prints them
     * @param tables     the tables whose definitions may change, quoted and schema-qualified
     */
    static ConfinedCopy open(DbSettings target, AppSchemas appSchemas, Collection<String> schemas,
                             Collection<String> tables) throws SQLException {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        ConfinedCopy confined = new ConfinedCopy(target, "pitstop_check_" + HexFormat.of().formatHex(random));
        try {
            confined.start(appSchemas, schemas, tables);
            return confined;
        } catch (SQLException | RuntimeException e) {
            confined.close();
            throw e;
        }
    }

    /** The role's connection to the copy, in a transaction that closing rolls back. */
    Connection connection() {
        return connection;
    }

    private void start(AppSchemas appSchemas, Collection<String> schemas, Collection<String> tables)
            throws SQLException {
        String password = HexFormat.of().formatHex(randomBytes());
        try (Connection c = Database.connect(target, APPLICATION_NAME)) {
            // Valid for a day only, in case a killed check leaves it behind.
            execute(c, "CREATE ROLE " + role + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION "
                    + "NOBYPASSRLS VALID UNTIL '" + Instant.now().plusSeconds(86_400) + "'");
            // The driver sends only the SCRAM verifier, and zeroes the array it is given.
            c.unwrap(PGConnection.class).alterUserPassword(role, password.toCharArray(), "scram-sha-256");
        }
        copy = ScratchDatabase.copyOf(target, appSchemas, "check the migration file as a role that cannot leave "
                + "the database");
        try (Connection c = Database.connect(copy.settings(), APPLICATION_NAME)) {
            for (String loan : loans(c, schemas, tables)) {
                execute(c, loan);
            }
        }
        connection = Database.connect(copy.settings().as(role, password), APPLICATION_NAME);
        connection.setAutoCommit(false);
    }

    private List<String> loans(Connection c, Collection<String> schemas, Collection<String> tables)
            throws SQLException {
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
        return loans;
    }

    /** Ends the role's session (rolling back), drops the copy, then the role, which owns nothing left. */
    @Override
    public void close() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException e) {
            // The copy is dropped WITH (FORCE) just below, which ends the session anyway.
        }
        if (copy != null) {
            copy.close();
        }
        try (Connection c = Database.connect(target, APPLICATION_NAME)) {
            execute(c, "DROP ROLE IF EXISTS " + role);
        } catch (SQLException e) {
            throw new MigrationException("the role " + role + " made for the check could not be dropped: "
                    + e.getMessage() + "; drop it by hand (DROP ROLE " + role + "); it cannot log in after a day", e);
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return bytes;
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
