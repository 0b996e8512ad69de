package dev.pitstop.supervisor;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One node as a local process: launched from its command, its output copied to its rotating log,
 * stopped with SIGTERM (the node drains and exits) and killed only when it overruns its timeout.
 */
final class NodeProcess {

    /** Bytes read from the end of the log to find the last lines of a failed run. */
    private static final int TAIL_BYTES = 16 * 1024;
    private static final int SIGTERM_EXIT = 143;

    private final String id;
    private final String url;
    private final RotatingLog log;
    private final Backoff backoff = new Backoff();

    private List<String> command;
    /** Null for Pitstop's own runtime, which needs neither. */
    private ProcessNodes.Launch launch;
    /** For a JVM: its class data archive, made by its first launch that exits cleanly; else null. */
    private ClassDataArchive classData;
    private Process process;
    private Instant startedAt;
    private long logOffset;
    private boolean stopRequested;
    private volatile boolean hasBeenReady;

    NodeProcess(String id, String url, RotatingLog log) {
        this.id = id;
        this.url = url;
        this.log = log;
    }

    /** What the next launch runs; the current run, if any, goes on with what it was launched with. */
    synchronized void useCommand(List<String> newCommand, ClassDataArchive newClassData) {
        command = List.copyOf(newCommand);
        launch = null;
        classData = newClassData;
    }

    /** The same, for a node described by its release ({@link ProcessNodes}): its own directory and environment. */
    synchronized void useLaunch(ProcessNodes.Launch newLaunch) {
        command = newLaunch.command();
        launch = newLaunch;
        classData = null;
    }

    synchronized boolean running() {
        return process != null && process.isAlive();
    }

    String id() {
        return id;
    }

    String url() {
        return url;
    }

    Path log() {
        return log.file();
    }

    /** Writes a line into the node's log, between its own: what a command run in its setting prints. */
    void logLine(String line) {
        log.append(line);
    }

    /** Once the node has exited for good. */
    void closeLog() {
        log.close();
    }

    Backoff backoff() {
        return backoff;
    }

    /** Launches the process unless it runs; {@code onExit} is called when this launch exits. */
    synchronized void start(Consumer<Process> onExit) {
        if (running() && stopRequested) {
            // A stop is under way (asked for by a procedure that was interrupted since): let it end,
            // then start afresh, rather than take a draining node for a running one.
            awaitExit();
        }
        if (running()) {
            return;
        }
        ClassDataArchive.Launch sharing = classData == null ? ClassDataArchive.Launch.NONE : classData.launch();
        try {
            logOffset = Files.exists(log.file()) ? Files.size(log.file()) : 0;
            ProcessBuilder builder = new ProcessBuilder(sharing.apply(command))
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            // The node's configuration is its file and flags; settings meant for the CLI (or a
            // stray PITSTOP_DB_URL) in the supervisor's environment must not override them.
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(name -> name.startsWith("PITSTOP_"));
            if (launch != null) {
                builder.directory(launch.directory().toFile());
                env.putAll(launch.environment());
            }
            process = builder.start();
        } catch (IOException e) {
            sharing.exited(false);
            throw new UncheckedIOException("cannot start " + id + ": " + e.getMessage(), e);
        }
        startedAt = Instant.now();
        stopRequested = false;
        Thread copier = log.copy(process.getInputStream(), "log of " + id);
        // The last lines, which say why a node failed, are in the log before anyone is told it exited.
        process.onExit().thenAccept(exited -> {
            try {
                copier.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sharing.exited(stoppedCleanly(exited));
            onExit.accept(exited);
        });
    }

    /** Exited as asked, through its shutdown: 0, or the JVM's exit code after SIGTERM (128 + 15), not killed (137). */
    private synchronized boolean stoppedCleanly(Process exited) {
        return stopRequested && (exited.exitValue() == 0 || exited.exitValue() == SIGTERM_EXIT);
    }

    private void awaitExit() {
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + id + " to finish stopping", e);
        }
    }

    synchronized Optional<Process> process() {
        return Optional.ofNullable(process);
    }

    synchronized boolean stopRequested() {
        return stopRequested;
    }

    /** How long the current (or last) run lasted. */
    synchronized Duration uptime() {
        return startedAt == null ? Duration.ZERO : Duration.between(startedAt, Instant.now());
    }

    void markReady() {
        hasBeenReady = true;
    }

    /** Whether the node was ready at least once: a later exit is a crash, an earlier one a failed start. */
    boolean hasBeenReady() {
        return hasBeenReady;
    }

    /** Stops the node gracefully, killing it if it has not exited within {@code timeout}. */
    void stop(Duration timeout) throws InterruptedException {
        Process running;
        synchronized (this) {
            stopRequested = true;
            running = process;
        }
        if (running == null || !running.isAlive()) {
            return;
        }
        // A launcher (a shell, an application's CLI) may run the server as its child and not pass the
        // signal on: the node is the whole tree, and every process of it is asked to stop.
        List<ProcessHandle> tree = running.descendants().toList();
        tree.forEach(ProcessHandle::destroy);
        running.destroy();
        if (!running.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            running.destroyForcibly().waitFor();
        }
        Instant deadline = Instant.now().plus(timeout);
        for (ProcessHandle process : tree) {
            long left = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
            try {
                process.onExit().get(left, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                process.destroyForcibly();
            }
        }
    }

    /** The last {@code count} lines this run wrote to the log. */
    synchronized List<String> logTail(int count) {
        try (RandomAccessFile file = new RandomAccessFile(log.file().toFile(), "r")) {
            // A file shorter than where this run began was rotated since: all of it is this run's.
            long start = file.length() < logOffset ? 0 : logOffset;
            long from = Math.max(start, file.length() - TAIL_BYTES);
            byte[] bytes = new byte[(int) (file.length() - from)];
            file.seek(from);
            file.readFully(bytes);
            List<String> lines = Arrays.stream(new String(bytes, StandardCharsets.UTF_8).split("\n"))
                    .filter(line -> !line.isBlank()).toList();
            return lines.subList(Math.max(0, lines.size() - count), lines.size());
        } catch (IOException e) {
            return List.of("(cannot read " + log.file() + ": " + e.getMessage() + ")");
        }
    }
}
