package dev.pitstop.tests;

import dev.pitstop.supervisor.ClassDataArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the {@code pitstop} command as its own process, the way bin/pitstop does, on one home. */
final class Cli {

    private static final Path LIB = Path.of(System.getProperty("pitstop.cli", "../pitstop-cli/target/lib"))
            .toAbsolutePath().normalize();
    private static final long TIMEOUT_MINUTES = 5;
    private static final ClassDataArchive CLASS_DATA = ClassDataArchive.inUserCache("cli", List.of(LIB));
    /** Where PostgreSQL's parser for the migration linter is (bin/test runs npm ci there): for --online and --plan. */
    static final Map<String, String> SQL_PARSER = Map.of("PITSTOP_SQL_PARSER",
            Path.of("../pitstop-lint/parser").toAbsolutePath().normalize().toString());

    private final Path home;

    Cli(Path home) {
        this.home = home;
    }

    /** What a command did: its exit code and everything it printed. */
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit code " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    Result run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), args);
    }

    /** Runs with extra environment variables, e.g. a crash point. */
    Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return run(env, TIMEOUT_MINUTES, args);
    }

    /** Runs a command that may take longer than most, e.g. an install from a package registry. */
    Result runWithin(long minutes, String... args) throws IOException, InterruptedException {
        return run(Map.of(), minutes, args);
    }

    private Result run(Map<String, String> env, long minutes, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("pitstop-out", ".txt");
        Path err = Files.createTempFile("pitstop-err", ".txt");
        ClassDataArchive.Launch sharing = CLASS_DATA.launch();
        boolean exited = false;
        try {
            ProcessBuilder builder = command(sharing, args);
            builder.environment().putAll(env);
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("pitstop " + String.join(" ", args) + " did not finish within "
                        + minutes + " minutes:\n" + Files.readString(out) + Files.readString(err));
            }
            // Exit codes 0 to 3 are the command's own; a crash point halts with 137, before the archive is complete.
            exited = process.exitValue() <= 3;
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            sharing.exited(exited);
            Files.delete(out);
            Files.delete(err);
        }
    }

    /** Starts the command and returns at once, for a test that kills the operator's process midway. */
    Process start(String... args) throws IOException {
        return command(CLASS_DATA.reuse(), args).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Starts the command with its output (stderr merged) to read as it comes, for a test that acts at a step. */
    Process startReadingOutput(String... args) throws IOException {
        return command(CLASS_DATA.reuse(), args).redirectErrorStream(true).start();
    }

    /**
     * With the JIT's first tier only: most commands last a second or two, for which C2 compiles in vain;
     * a command then costs a third less CPU ({@code status}: 3.5 s of CPU, 2.3 s with C1 only). The
     * cluster the tests drive keeps the JVM's defaults: {@code up --detach} starts its supervisor as a
     * JVM of its own. With the class data archive of the CLI's jars that the first command made, as the
     * supervisor gives its nodes theirs: a command then costs another fifth less CPU ({@code status}: 1.3 s
     * instead of 1.8 s on a loaded machine).
     */
    private ProcessBuilder command(ClassDataArchive.Launch sharing, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-cp", LIB.resolve("*").toString(), "dev.pitstop.cli.Pitstop", "--home", home.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(sharing.apply(command));
    }
}
