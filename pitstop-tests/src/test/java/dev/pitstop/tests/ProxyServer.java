package dev.pitstop.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A load balancer process of a test's own (nginx, HAProxy from the system's packages), with its
 * configuration in the test's directory and a free port; never the system's service.
 */
abstract class ProxyServer implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final int port;

    ProxyServer(List<String> command, Path log, int port) throws IOException {
        this.process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        this.log = log;
        this.port = port;
    }

    int port() {
        return port;
    }

    /** Where clients reach the cluster through it. */
    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The part of pitstop.yml that makes Pitstop steer it. */
    abstract String config();

    /** Waits until {@code file} exists, for a process that creates it once it is up. */
    void awaitFile(Path file) throws IOException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!Files.exists(file)) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new AssertionError(this + " did not start:\n" + Files.readString(log));
            }
            NodeProcess.sleep(50);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
