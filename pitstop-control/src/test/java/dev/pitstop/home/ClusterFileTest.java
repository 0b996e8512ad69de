package dev.pitstop.home;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterFileTest {

    @TempDir
    Path dir;

    @Test
    void writesAndReadsTheSameFile() {
        Home home = new Home(dir);
        ClusterFile file = new ClusterFile("http://127.0.0.1:8080", "http://127.0.0.1:8080", "http://127.0.0.1:9090", "/h/admin.token",
                "/h/bypass.token", new ClusterFile.Db("jdbc:postgresql://127.0.0.1:5432/pitstop", "postgres", null, true),
                42L, ClusterFile.RUNNING, "/r/1.0.0", List.of("node-1", "node-2"));

        file.write(home);

        assertThat(ClusterFile.read(home)).contains(file);
    }

    @Test
    void hasTheKeysScriptsRelyOn() throws Exception {
        Home home = new Home(dir);
        new ClusterFile("http://g", "http://a", null, "/t", null, null, null, ClusterFile.STOPPED, null, List.of())
                .write(home);

        assertThat(Files.readString(home.clusterFile()))
                .contains("\"gateway\" : \"http://g\"", "\"admin\" : \"http://a\"", "\"tokenFile\" : \"/t\"");
    }

    @Test
    void isAbsentInANewHome() {
        assertThat(ClusterFile.read(new Home(dir))).isEmpty();
    }

    @Test
    void takesNoProcessButPitstopsForTheSupervisor() {
        // This test's JVM is alive, but it is not a Pitstop CLI: a recycled pid must not count.
        ClusterFile file = new ClusterFile(null, null, null, null, null, null, ProcessHandle.current().pid(),
                ClusterFile.RUNNING, null, List.of());

        assertThat(file.supervisor()).isEmpty();
        assertThat(file.stopped().pid()).isNull();
    }
}
