package dev.pitstop.tests;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitstop.db.DbSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A node of a demo release running as a real process, as the supervisor would start it. */
final class NodeProcess implements AutoCloseable {

    private static final Path LOGS = Path.of(System.getProperty("pitstop.logs", "target/cluster-logs"));

    private final String id;
    private final int port;
    private final Process process;
    private final Path log;

    private NodeProcess(String id, int port, Process process, Path log) {
        this.id = id;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    static NodeProcess start(Path release, DbSettings db, String id, String... settings) {
        int port = freePort();
        String java = ProcessHandle.current().info().command().orElse("java");
        try {
            Files.createDirectories(LOGS);
            Path log = LOGS.resolve(databaseName(db) + "-" + id + ".log");
            List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", release.resolve("lib") + "/*",
                    "dev.pitstop.node.NodeMain",
                    "--set", "db.url=" + db.url(), "--set", "db.user=" + db.user(),
                    "--set", "http.port=" + port, "--set", "node.id=" + id,
                    "--set", "release=" + release, "--set", "storage=" + storage(db),
                    "--set", "shutdown-timeout-seconds=5"));
            for (String setting : settings) {
                command.addAll(List.of("--set", setting));
            }
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            return new NodeProcess(id, port, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The storage directory the nodes of one test database share. */
    static Path storage(DbSettings db) throws IOException {
        return Files.createDirectories(LOGS.resolve(databaseName(db) + "-storage"));
    }

    private static String databaseName(DbSettings db) {
        return db.url().replaceAll(".*/([^?]*).*", "$1");
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String id() {
        return id;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The body of /health/ready once the node reports {@code state}; fails with the node's log otherwise. */
    JsonNode awaitState(String state, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(id + " exited with " + process.exitValue() + " waiting for " + state + ":\n" + log());
            }
            try {
                JsonNode health = Http.json(Http.get(url() + "/health/ready"));
                if (state.equals(health.path("state").asText())) {
                    return health;
                }
                last = health.toString();
            } catch (UncheckedIOException e) {
                last = e.getMessage();
            }
            sleep(100);
        }
        throw new AssertionError(id + " did not become " + state + " within " + timeout + " (last: " + last + "):\n" + log());
    }

    JsonNode awaitReady() {
        return awaitState("ready", Duration.ofSeconds(60));
    }

    /** SIGKILL: no shutdown hook runs, as when a machine dies. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM and wait for the graceful stop. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void closeAll(List<NodeProcess> nodes) throws InterruptedException {
        for (NodeProcess node : nodes) {
            node.close();
        }
    }
}
