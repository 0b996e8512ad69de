package dev.pitstop.supervisor;

import dev.pitstop.db.DbSettings;
import dev.pitstop.procedure.OperationException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;

/**
 * PostgreSQL run by the supervisor from the binaries shipped as a Maven artifact. Its data directory
 * is kept under the home directory: the first start initialises it, later starts find the same data.
 * It listens on 127.0.0.1 only and asks every client for a password ({@link DatabaseAccess}).
 */
public final class EmbeddedDatabase implements AutoCloseable {

    static final String DATABASE = "pitstop";
    static final String USER = "postgres";

    private final EmbeddedPostgres postgres;
    private final DatabaseAccess access;

    private EmbeddedDatabase(EmbeddedPostgres postgres, DatabaseAccess access) {
        this.postgres = postgres;
        this.access = access;
    }

    /**
     * Starts PostgreSQL on a free port with its data in {@code dataDir} and its server log in {@code log}.
     * The superuser's password is the one in {@code passwordFile}, created if absent.
     *
     * @throws OperationException (refused) when a PostgreSQL left over from an earlier run still uses the directory
     */
    public static EmbeddedDatabase start(Path dataDir, Path passwordFile, Path log) throws IOException {
        Optional<ProcessHandle> leftOver = leftOverServer(dataDir);
        if (leftOver.isPresent()) {
            throw OperationException.refused("the embedded database in " + dataDir + " is still running (pid "
                    + leftOver.get().pid() + ") from a supervisor that did not stop it; run: pitstop down");
        }
        Files.createDirectories(dataDir);
        boolean initialised = Files.exists(dataDir.resolve("postgresql.conf"));
        Files.createDirectories(log.getParent());
        DatabaseAccess access = DatabaseAccess.of(passwordFile);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setPort(Ports.free())
                // The supervisor stops the database itself, after the nodes: a hook of its own
                // would run concurrently with the supervisor's and pull it away from draining nodes.
                .setRegisterShutdownHook(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                // initdb's options: the superuser gets its password when the directory is created.
                .setLocaleConfig("pwfile", access.passwordFile().toString())
                // Runs after initdb, before the server starts: a new server is never open, not even briefly.
                .setDataDirectoryCustomizer(dir -> {
                    if (!initialised) {
                        DatabaseAccess.writeHba(dataDir);
                    }
                })
                .setServerConfig("listen_addresses", Ports.HOST)
                .setConnectConfig("password", access.password())
                .start();
        EmbeddedDatabase database = new EmbeddedDatabase(postgres, access);
        try {
            database.closeAccessIfOpen(dataDir);
            database.createDatabaseIfAbsent();
        } catch (SQLException e) {
            database.close();
            throw new IOException("cannot close the embedded database to passwordless clients or create database '"
                    + DATABASE + "': " + e.getMessage(), e);
        }
        return database;
    }

    /**
     * The PostgreSQL server still running on {@code dataDir}, per its {@code postmaster.pid}. It
     * runs detached from the supervisor, so a supervisor killed with SIGKILL leaves it behind.
     */
    public static Optional<ProcessHandle> leftOverServer(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        try {
            String firstLine = Files.readAllLines(pidFile).get(0).strip();
            return ProcessHandle.of(Long.parseLong(firstLine)).filter(ProcessHandle::isAlive);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public DbSettings settings() {
        return new DbSettings("jdbc:postgresql://" + Ports.HOST + ":" + postgres.getPort() + "/" + DATABASE, USER,
                access.password());
    }

    private void closeAccessIfOpen(Path dataDir) throws IOException, SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection()) {
            access.closeIfOpen(dataDir, c);
        }
    }

    private void createDatabaseIfAbsent() throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            st.execute("CREATE DATABASE " + DATABASE);
        }
    }

    /** Stops PostgreSQL with a fast shutdown: open sessions are ended, committed data is kept. */
    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
