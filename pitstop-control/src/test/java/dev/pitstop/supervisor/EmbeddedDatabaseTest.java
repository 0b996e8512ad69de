package dev.pitstop.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.db.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDatabaseTest {

    @TempDir
    Path dir;

    @Test
    void keepsItsDataBetweenRuns() throws Exception {
        Path data = dir.resolve("db");
        Path log = dir.resolve("postgres.log");
        try (EmbeddedDatabase database = EmbeddedDatabase.start(data, log);
             Connection c = Database.connect(database.settings(), "test"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE kept (name text)");
            st.execute("INSERT INTO kept VALUES ('still here')");
        }

        try (EmbeddedDatabase database = EmbeddedDatabase.start(data, log);
             Connection c = Database.connect(database.settings(), "test"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT name FROM kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("still here");
        }
        assertThat(EmbeddedDatabase.leftOverServer(data)).isEmpty();
    }

    @Test
    void isDurableUnlessToldOtherwiseByName() throws Exception {
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dir.resolve("durable"), dir.resolve("durable.log"))) {
            assertThat(durabilitySettings(database)).containsExactly("on", "on", "on");
        }
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dir.resolve("unsafe"), dir.resolve("unsafe.log"),
                Ports.free(), EmbeddedDatabase.Durability.UNSAFE_NO_FSYNC)) {
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
}
