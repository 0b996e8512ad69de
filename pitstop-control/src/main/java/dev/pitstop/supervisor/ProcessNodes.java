package dev.pitstop.supervisor;

import dev.pitstop.home.ClusterFile;
import dev.pitstop.home.Home;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.release.NodePlaceholders;
import dev.pitstop.release.ProcessNode;
import dev.pitstop.release.Release;
import dev.pitstop.secret.ClusterSecrets;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The nodes of a release whose {@code release.json} describes them as processes ({@link ProcessNode}):
 * how one is launched, the one-off commands (install, upgrade, plugins) run in a node's setting, and
 * whether a node answers its health endpoint.
 */
final class ProcessNodes {

    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(5);
    /** How long the output of a command that exited is still read, when a child it left holds it open. */
    private static final Duration COPY_GRACE = Duration.ofSeconds(5);
    /** The lines of a failed command's output its error message carries. */
    private static final int FAILURE_LINES = 15;

    /** What launches one node: in this directory, with these variables added to the environment. */
    record Launch(List<String> command, Path directory, Map<String, String> environment) {
    }

    private final Release release;
    private final ProcessNode descriptor;
    private final Home home;
    private final ClusterFile.Db db;
    /** HTTP/1.1: an HTTP/2 upgrade header is a WebSocket-style upgrade to a Node.js server, which never answers it. */
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(HEALTH_TIMEOUT).build();

    ProcessNodes(Release release, ProcessNode descriptor, Home home, ClusterFile.Db db) {
        this.release = release;
        this.descriptor = descriptor;
        this.home = home;
        this.db = db;
    }

    Release release() {
        return release;
    }

    ProcessNode descriptor() {
        return descriptor;
    }

    /** How node {@code nodeId} at {@code url} is launched. */
    Launch launch(String nodeId, String url) {
        return launch(nodeId, url, descriptor.command(), Map.of());
    }

    /** How a one-off command is run in the setting of node {@code nodeId}; {@code extra} fills e.g. {@code ${plugin}}. */
    Launch launch(String nodeId, String url, List<String> command, Map<String, String> extra) {
        NodePlaceholders values = placeholders(nodeId, url);
        Map<String, String> environment = new java.util.LinkedHashMap<>();
        descriptor.environment().forEach((name, value) -> environment.put(name, values.expand(value, extra)));
        return new Launch(values.expand(command, extra), descriptor.workingDirectory(release), environment);
    }

    private NodePlaceholders placeholders(String nodeId, String url) {
        Path passwordFile = db.passwordFile() == null ? null : Path.of(db.passwordFile());
        String password = null;
        if (passwordFile != null) {
            try {
                password = Files.readString(passwordFile).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the database password of " + nodeId + " from "
                        + passwordFile + ": " + e.getMessage(), e);
            }
        }
        Path nodeDir = home.dir().resolve("nodes").resolve(nodeId);
        try {
            Files.createDirectories(home.storageDir());
            Files.createDirectories(nodeDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directories of " + nodeId + " (" + home.storageDir()
                    + ", " + nodeDir + "): " + e.getMessage(), e);
        }
        return new NodePlaceholders(nodeId, URI.create(url).getPort(), url, db.url(), db.user(), password, passwordFile,
                home.storageDir(), nodeDir, release.dir(), new ClusterSecrets(home.secretsDir()));
    }

    /**
     * Runs a one-off command to its end, its output appended to {@code log}.
     *
     * @throws OperationException (failed) naming the step, the exit code and the log when it fails
     */
    static void run(String step, Launch launch, Path log) {
        Process process = null;
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(launch.command())
                    .directory(launch.directory().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().keySet().removeIf(name -> name.startsWith("PITSTOP_"));
            builder.environment().putAll(launch.environment());
            process = builder.start();
            int exit = process.waitFor();
            if (exit != 0) {
                throw OperationException.failed(step + " failed: " + String.join(" ", launch.command())
                        + " exited with code " + exit + "; see " + log);
            }
        } catch (IOException e) {
            throw OperationException.failed(step + " could not run " + String.join(" ", launch.command()) + ": "
                    + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // The supervisor stops: the command's whole process tree goes with it, as a node's does.
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            throw OperationException.failed("interrupted during " + step + "; its processes were stopped");
        }
    }

    /**
     * Runs a command of the node's application while the node may run, each line of its output
     * written to the node's log by {@code log} (so the log reads in order), and returns its last
     * {@code keep} lines. Stopped, with its process tree, when it runs longer than {@code timeout}.
     *
     * @param logFile the node's log, named in a failure's message
     * @throws OperationException (failed) with the exit code, the last lines and the log when it fails
     */
    static List<String> runForOutput(String step, Launch launch, Consumer<String> log, Path logFile, int keep,
                                     Duration timeout) {
        String command = String.join(" ", launch.command());
        Deque<String> last = new ArrayDeque<>();
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(launch.command())
                    .directory(launch.directory().toFile())
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().keySet().removeIf(name -> name.startsWith("PITSTOP_"));
            builder.environment().putAll(launch.environment());
            log.accept("[pitstop] " + step + ": " + command);
            process = builder.start();
        } catch (IOException e) {
            throw OperationException.failed(step + " could not run " + command + ": " + e.getMessage());
        }
        Thread copier = new Thread(() -> copy(process, log, last, keep), "output of " + step);
        copier.setDaemon(true);
        copier.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                stop(process);
                throw OperationException.failed(step + " did not end within " + timeout.toMinutes() + " min and was "
                        + "stopped; it may have changed part of what it was to change; see " + logFile);
            }
            // A child the command left behind may hold its output open: its lines so far are enough.
            copier.join(COPY_GRACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(process);
            throw OperationException.failed("interrupted during " + step + "; its processes were stopped");
        }
        List<String> output;
        synchronized (last) {
            output = List.copyOf(last);
        }
        int exit = process.exitValue();
        log.accept("[pitstop] " + step + " exited with code " + exit);
        if (exit != 0) {
            throw OperationException.failed(step + " failed: " + command + " exited with code " + exit
                    + "; its last lines:\n    " + String.join("\n    ", output.subList(Math.max(0, output.size()
                    - FAILURE_LINES), output.size())) + "\nall of its output is in " + logFile);
        }
        return output;
    }

    private static void copy(Process process, Consumer<String> log, Deque<String> last, int keep) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                log.accept(line);
                synchronized (last) {
                    last.addLast(line);
                    if (last.size() > keep) {
                        last.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // The process's end closed its output: nothing more to copy.
        }
    }

    private static void stop(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** Whether the node at {@code url} answers its health endpoint with 200. */
    boolean healthy(String url) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + descriptor.health().ready()))
                .timeout(HEALTH_TIMEOUT).GET().build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }
}
