package dev.pitstop.supervisor;

import dev.pitstop.control.Tokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;

/**
 * Who may connect to the embedded PostgreSQL: clients on 127.0.0.1 or the local socket that give
 * the superuser's password, checked with scram-sha-256; nobody else. The password is generated once
 * into a file of the home that only its owner can read, and it travels only as that file's path
 * (initdb's {@code --pwfile}, the nodes' {@code db.password-file}), never on a command line.
 *
 * <p>A home made before the password existed holds a server that trusts every local connection and
 * whose superuser has no password. Its next start opens it as it always was, sets the password,
 * then closes it ({@link #closeIfOpen}); until {@code pg_hba.conf} says closed, each start repeats
 * that, so a crash halfway through leaves nothing that needs a hand-made fix.
 */
final class DatabaseAccess {

    static final String HBA = """
            # Written by Pitstop: the embedded database accepts only the password of the home's
            # db.password file, over the local socket or from 127.0.0.1. Edits are overwritten.
            local all all scram-sha-256
            host  all all 127.0.0.1/32 scram-sha-256
            """;

    private final Path passwordFile;
    private final String password;

    private DatabaseAccess(Path passwordFile, String password) {
        this.passwordFile = passwordFile;
        this.password = password;
    }

    /** Reads the password in {@code passwordFile}, creating the file (mode 0600) with a new one if absent. */
    static DatabaseAccess of(Path passwordFile) throws IOException {
        return new DatabaseAccess(passwordFile, Tokens.readOrCreate(passwordFile));
    }

    Path passwordFile() {
        return passwordFile;
    }

    String password() {
        return password;
    }

    /** Replaces the trust-everyone {@code pg_hba.conf} that initdb writes. */
    static void writeHba(Path dataDir) {
        try {
            Files.writeString(hba(dataDir), HBA);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + hba(dataDir) + ": " + e.getMessage(), e);
        }
    }

    private static boolean isClosed(Path dataDir) throws IOException {
        Path hba = hba(dataDir);
        return Files.exists(hba) && Files.readString(hba).equals(HBA);
    }

    /**
     * Sets the superuser's password and closes the server, unless its {@code pg_hba.conf} is already
     * Pitstop's. The password reaches the server only as a SCRAM verifier computed by the driver.
     */
    void closeIfOpen(Path dataDir, Connection superuser) throws IOException, SQLException {
        if (isClosed(dataDir)) {
            return;
        }
        superuser.unwrap(PGConnection.class)
                .alterUserPassword(EmbeddedDatabase.USER, password.toCharArray(), "scram-sha-256");
        writeHba(dataDir);
        try (Statement st = superuser.createStatement()) {
            st.execute("SELECT pg_reload_conf()");
        }
    }

    private static Path hba(Path dataDir) {
        return dataDir.resolve("pg_hba.conf");
    }
}
