package dev.pitstop.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.home.ClusterConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process's output, and a stream's lines, rotated by size into at most the configured files. */
class RotatingLogTest {

    @TempDir
    Path dir;

    @Test
    void aProcessWritingSixTimesTheLimitLeavesTheNewestThreeFiles() throws Exception {
        Path file = dir.resolve("node-1.log");
        try (RotatingLog log = new RotatingLog(file, new ClusterConfig.LogsSettings(1024L, 3))) {
            Process process = new ProcessBuilder("sh", "-c",
                    "for i in $(seq 1 200); do echo \"line $i of the node's output\"; done").start();
            log.copy(process.getInputStream(), "copy").join();
        }

        assertThat(names()).containsExactlyInAnyOrder("node-1.log", "node-1.log.1", "node-1.log.2");
        assertThat(Files.size(dir.resolve("node-1.log.1"))).isLessThan(1024 + 64);
        assertThat(Files.readString(file)).endsWith("line 200 of the node's output\n");
        assertThat(Files.readString(dir.resolve("node-1.log.2"))).doesNotContain("line 1 of");
    }

    @Test
    void aPrintStreamWritesWholeLines() throws Exception {
        Path file = dir.resolve("supervisor.log");
        try (RotatingLog log = new RotatingLog(file, new ClusterConfig.LogsSettings(1024L, 2))) {
            PrintStream out = log.printStream();
            out.print("  1. start the gateway ... ");
            out.println("done");
            out.println("Cluster ready");
        }
        assertThat(Files.readString(file)).isEqualTo("  1. start the gateway ... done\nCluster ready\n");
    }

    private List<String> names() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).toList();
        }
    }
}
