package dev.pitstop.supervisor;

import dev.pitstop.db.DbSettings;
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

    /**
     * How the server writes to disk. The embedded database is what a single-machine user runs for real,
     * so it is durable unless a test or benchmark asks otherwise by name.
     */
    public enum Durability {
        /** fsync, synchronous_commit and full_page_writes on: a crash of the OS loses no committed write. */
        DURABLE("on"),
        /** All three off: faster, and an OS crash or power loss can corrupt the database. Tests and benchmarks only. */
        UNSAFE_NO_FSYNC("off");

        private final String setting;

        Durability(String setting) {
            this.setting = setting;
        }
    }

    private final EmbeddedPostgres postgres;
    private final Path dataDir;
    private final DatabaseAccess access;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDir, DatabaseAccess access) {
        this.postgres = postgres;
        this.dataDir = dataDir;
        this.access = access;
    }

    /**
     * Starts PostgreSQL on a free port with its data in {@code dataDir} and its server log in {@code log}.
     * The superuser's password is the one in {@code passwordFile}, created if absent.
     */
    public static EmbeddedDatabase start(Path dataDir, Path passwordFile, Path log) throws IOException {
        return start(dataDir, passwordFile, log, Ports.free(), Durability.DURABLE);
    }

    /**
     * Starts PostgreSQL on {@code port}: a restart after a crash keeps the port the nodes know. A
     * server left running on {@code dataDir} by a supervisor that died is stopped first.
     */
    public static EmbeddedDatabase start(Path dataDir, Path passwordFile, Path log, int port, Durability durability)
            throws IOException {
        Optional<ProcessHandle> leftOver = LeftOverServer.find(dataDir);
        if (leftOver.isPresent()) {
            LeftOverServer.stop(leftOver.get(), dataDir);
        }
        Files.createDirectories(dataDir);
        boolean initialised = Files.exists(dataDir.resolve("postgresql.conf"));
        Files.createDirectories(log.getParent());
        DatabaseAccess access = DatabaseAccess.of(passwordFile);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setPort(port)
                // The library passes -F (fsync off) and synchronous_commit=off; a later -c wins over both.
                .setServerConfig("fsync", durability.setting)
                .setServerConfig("synchronous_commit", durability.setting)
                .setServerConfig("full_page_writes", durability.setting)
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
        EmbeddedDatabase database = new EmbeddedDatabase(postgres, dataDir, access);
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

    /** The server's main process while it runs: a supervisor watches it to notice a crash. */
    public Optional<ProcessHandle> postmaster() {
        return leftOverServer(dataDir);
    }

    public int port() {
        return postgres.getPort();
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
