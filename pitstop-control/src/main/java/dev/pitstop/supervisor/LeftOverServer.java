package dev.pitstop.supervisor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server still running on a home's data directory after its supervisor died without
 * stopping it (SIGKILL, an OS that killed only the JVM). The server runs detached from the supervisor,
 * so it outlives it; the next supervisor stops it cleanly and starts its own, with no manual step.
 */
final class LeftOverServer {

    private static final Logger log = LoggerFactory.getLogger(LeftOverServer.class);
    /** A fast shutdown ends sessions and writes a checkpoint: seconds, unless the disk is very slow. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private LeftOverServer() {
    }

    /**
     * The server whose {@code postmaster.pid} is in {@code dataDir}, if it is alive, is a PostgreSQL
     * server, and names this very directory: a pid reused by another process is no server of ours.
     */
    static Optional<ProcessHandle> find(Path dataDir) {
        try {
            List<String> pidFile = Files.readAllLines(dataDir.resolve("postmaster.pid"));
            Path servedDir = Path.of(pidFile.get(1).strip());
            if (!Files.isSameFile(servedDir, dataDir)) {
                return Optional.empty();
            }
            return ProcessHandle.of(Long.parseLong(pidFile.get(0).strip()))
                    .filter(ProcessHandle::isAlive)
                    .filter(process -> process.info().command().map(c -> Path.of(c).getFileName().toString())
                            .filter(name -> name.equals("postgres")).isPresent());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Stops the server with a fast shutdown (SIGINT: sessions are ended, committed data is kept) and
     * waits until it has exited.
     *
     * @throws IOException when it does not stop in time
     */
    static void stop(ProcessHandle server, Path dataDir) throws IOException {
        log.warn("The embedded database in {} is still running (pid {}), left by a supervisor that did not stop it; "
                + "stopping it to start afresh", dataDir, server.pid());
        try {
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(server.pid())).inheritIO().start();
            if (kill.waitFor() != 0 && server.isAlive()) {
                throw new IOException("cannot signal the embedded database left running (pid " + server.pid()
                        + "); stop it with: pitstop down");
            }
            server.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the embedded database left running (pid "
                    + server.pid() + ")", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("the embedded database left running (pid " + server.pid() + ") did not stop within "
                    + STOP_TIMEOUT.toSeconds() + " s; stop it with: pitstop down", e);
        }
    }
}
