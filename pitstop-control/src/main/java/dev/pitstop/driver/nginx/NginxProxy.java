package dev.pitstop.driver.nginx;

import dev.pitstop.control.StatusPage;
import dev.pitstop.driver.Proxy;
import dev.pitstop.home.NginxSettings;
import dev.pitstop.procedure.OperationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Steers nginx through the include file it owns: writes it, has nginx check the whole
 * configuration ({@code nginx -t}), reloads nginx, and returns once nginx serves the new file. A
 * file nginx rejects is replaced by the previous one before anything is reloaded.
 */
public final class NginxProxy implements Proxy {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    /** How long workers of the new configuration may take to answer after a reload. */
    private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration POLL = Duration.ofMillis(50);

    private final NginxSettings settings;
    private final Path includeFile;
    private final Path pageFile;
    private final URI generationUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public NginxProxy(NginxSettings settings) {
        this.settings = settings;
        this.includeFile = Path.of(settings.includeFile()).toAbsolutePath();
        String name = includeFile.getFileName().toString().replaceFirst("\\.conf$", "");
        this.pageFile = includeFile.resolveSibling(name + "-status.html");
        this.generationUrl = URI.create("http://" + localAddress(settings.listen()) + NginxInclude.GENERATION_PATH);
    }

    /** Where this host reaches the server of {@code listen}: a wildcard address is reached on the loopback. */
    private static String localAddress(String listen) {
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            return "127.0.0.1:" + listen;
        }
        String host = listen.substring(0, colon);
        boolean wildcard = host.equals("*") || host.equals("0.0.0.0") || host.equals("[::]");
        return (wildcard ? "127.0.0.1" : host) + listen.substring(colon);
    }

    @Override
    public void route(List<String> nodeUrls) {
        apply(new NginxInclude(settings.listen(), nodeUrls, null));
    }

    @Override
    public void showStatusPage(String pageHtml, int retryAfterSeconds, List<String> nodeUrls) {
        write(pageFile, pageHtml == null ? StatusPage.DEFAULT_HTML : pageHtml);
        apply(new NginxInclude(settings.listen(), nodeUrls, new NginxInclude.Maintenance(pageFile, retryAfterSeconds)));
    }

    private void apply(NginxInclude include) {
        String content = include.render();
        String previous = read(includeFile);
        if (content.equals(previous)) {
            return;
        }
        write(includeFile, content);
        CommandResult test = run(settings.testCommandLine());
        if (test.exitCode() != 0) {
            restore(previous);
            throw OperationException.failed("nginx rejected the configuration Pitstop wrote to " + includeFile + " ("
                    + test.describe() + "); the previous file is back and nginx was not reloaded");
        }
        CommandResult reload = run(settings.reloadCommandLine());
        if (reload.exitCode() != 0) {
            restore(previous);
            throw OperationException.failed("nginx did not reload (" + reload.describe() + "); it still runs its "
                    + "previous configuration, and " + includeFile + " is back to it; is nginx running?");
        }
        awaitGeneration(include.generation());
    }

    private void awaitGeneration(String expected) {
        Instant deadline = Instant.now().plus(RELOAD_TIMEOUT);
        String seen = "no answer";
        while (Instant.now().isBefore(deadline)) {
            seen = generationServed();
            if (seen.equals(expected)) {
                return;
            }
            sleep();
        }
        throw OperationException.failed("nginx was reloaded but did not serve the new " + includeFile + " within "
                + RELOAD_TIMEOUT.toSeconds() + " s (" + generationUrl + " answered: " + seen + ", expected " + expected
                + "); see nginx's error log");
    }

    private String generationServed() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(generationUrl).timeout(Duration.ofSeconds(2))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body().strip() : "status " + response.statusCode();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OperationException.failed("interrupted while waiting for nginx to load " + includeFile);
        }
    }

    private void restore(String previous) {
        if (previous != null) {
            write(includeFile, previous);
            return;
        }
        try {
            Files.deleteIfExists(includeFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the rejected " + includeFile + ": " + e.getMessage(), e);
        }
    }

    private record CommandResult(List<String> command, int exitCode, String output) {
        String describe() {
            return "'" + String.join(" ", command) + "' exited with " + exitCode + ": " + output.strip();
        }
    }

    private static CommandResult run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw OperationException.failed("'" + String.join(" ", command) + "' did not finish within "
                        + COMMAND_TIMEOUT.toSeconds() + " s");
            }
            return new CommandResult(command, process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw OperationException.failed("cannot run '" + String.join(" ", command) + "': " + e.getMessage()
                    + "; set nginx.test-command and nginx.reload-command in pitstop.yml");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OperationException.failed("interrupted while running '" + String.join(" ", command) + "'");
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Atomically, so nginx never reads half a file; readable by nginx's workers, which run as another user. */
    private static void write(Path file, String content) {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(temp, content);
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage()
                    + "; Pitstop needs write access to nginx.include-file's directory", e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OperationException.failed("interrupted while waiting for nginx");
        }
    }

    @Override
    public String toString() {
        return "nginx (" + includeFile + ")";
    }
}
