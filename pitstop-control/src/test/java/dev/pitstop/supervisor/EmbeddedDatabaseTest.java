package dev.pitstop.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.db.Database;
import dev.pitstop.db.DbSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDatabaseTest {

    @TempDir
    Path dir;

    @Test
    void keepsItsDataBetweenRuns() throws Exception {
        Path data = dir.resolve("db");
        Path log = dir.resolve("postgres.log");
        try (EmbeddedDatabase database = EmbeddedDatabase.start(data, passwordFile(), log);
             Connection c = Database.connect(database.settings(), "test"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE kept (name text)");
            st.execute("INSERT INTO kept VALUES ('still here')");
        }

        try (EmbeddedDatabase database = EmbeddedDatabase.start(data, passwordFile(), log);
             Connection c = Database.connect(database.settings(), "test"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT name FROM kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("still here");
        }
        assertThat(EmbeddedDatabase.leftOverServer(data)).isEmpty();
    }

    @Test
    void isDurableUnlessToldOtherwiseByName() throws Exception {
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dir.resolve("durable"), passwordFile(),
                dir.resolve("durable.log"))) {
            assertThat(durabilitySettings(database)).containsExactly("on", "on", "on");
        }
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dir.resolve("unsafe"), passwordFile(),
                dir.resolve("unsafe.log"), Ports.free(), EmbeddedDatabase.Durability.UNSAFE_NO_FSYNC)) {
            assertThat(durabilitySettings(database)).containsExactly("off", "off", "off");
        }
    }

    private static List<String> durabilitySettings(EmbeddedDatabase database) throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection c = Database.connect(database.settings(), "test"); Statement st = c.createStatement()) {
            for (String setting : List.of("fsync", "synchronous_commit", "full_page_writes")) {
                try (ResultSet rs = st.executeQuery("SHOW " + setting)) {
                    rs.next();
                    values.add(rs.getString(1));
                }
            }
        }
        return values;
    }

    @Test
    void asksEveryClientForThePasswordInItsFile() throws Exception {
        Path data = dir.resolve("db");
        try (EmbeddedDatabase database = EmbeddedDatabase.start(data, passwordFile(), dir.resolve("postgres.log"))) {
            assertThat(Files.getPosixFilePermissions(passwordFile())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(database.settings().password()).isEqualTo(Files.readString(passwordFile()).strip());
            assertPasswordlessRefused(database);
            try (Connection c = Database.connect(database.settings(), "test"); Statement st = c.createStatement()) {
                assertThat(single(st, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
                assertThat(single(st, "SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = 'postgres'"))
                        .isEqualTo("t");
                assertSocketAsksForPassword(database, single(st, "SHOW unix_socket_directories").split(",")[0].strip());
            }
        }
    }

    /** A home made by a version without the password: its server trusted every local client. */
    @Test
    void closesADatabaseThatTrustedEveryLocalClient() throws Exception {
        Path data = dir.resolve("db");
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false)
                .setRegisterShutdownHook(false).start()) {
            try (Connection c = old.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + EmbeddedDatabase.DATABASE);
            }
            try (Connection c = old.getDatabase(EmbeddedDatabase.USER, EmbeddedDatabase.DATABASE).getConnection();
                 Statement st = c.createStatement()) {
                st.execute("CREATE TABLE kept AS SELECT 'still here' AS name");
            }
        }
        assertThat(Files.exists(passwordFile())).isFalse();

        try (EmbeddedDatabase database = EmbeddedDatabase.start(data, passwordFile(), dir.resolve("postgres.log"));
             Connection c = Database.connect(database.settings(), "test"); Statement st = c.createStatement()) {
            assertPasswordlessRefused(database);
            assertThat(single(st, "SELECT name FROM kept")).isEqualTo("still here");
        }
        // Closed for good: the next start finds it so and still connects with the password.
        try (EmbeddedDatabase database = EmbeddedDatabase.start(data, passwordFile(), dir.resolve("postgres.log"))) {
            assertPasswordlessRefused(database);
            try (Connection c = Database.connect(database.settings(), "test")) {
                assertThat(c.isValid(5)).isTrue();
            }
        }
    }

    private Path passwordFile() {
        return dir.resolve("db.password");
    }

    private static void assertPasswordlessRefused(EmbeddedDatabase database) {
        DbSettings withoutPassword = new DbSettings(database.settings().url(), EmbeddedDatabase.USER, null);
        assertThatThrownBy(() -> Database.connect(withoutPassword, "test").close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("password");
        DbSettings wrongPassword = new DbSettings(database.settings().url(), EmbeddedDatabase.USER, "guess");
        assertThatThrownBy(() -> Database.connect(wrongPassword, "test").close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("password authentication failed");
    }

    /** psql over the Unix socket, with no password to give: refused too (skipped where psql is not installed). */
    private static void assertSocketAsksForPassword(EmbeddedDatabase database, String socketDir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/psql")), "psql is not installed");
        int port = Integer.parseInt(database.settings().url().replaceAll(".*:(\\d+)/.*", "$1"));
        ProcessBuilder psql = new ProcessBuilder("/usr/bin/psql", "-w", "-h", socketDir, "-p", String.valueOf(port),
                "-U", EmbeddedDatabase.USER, "-d", EmbeddedDatabase.DATABASE, "-c", "SELECT 1").redirectErrorStream(true);
        psql.environment().keySet().removeIf(name -> name.startsWith("PG"));
        Process process = psql.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).isNotZero();
        assertThat(output).contains("no password supplied");
    }

    private static String single(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
