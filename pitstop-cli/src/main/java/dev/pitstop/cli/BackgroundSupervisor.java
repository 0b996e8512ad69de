package dev.pitstop.cli;

import dev.pitstop.home.ClusterFile;
import dev.pitstop.home.Home;
import dev.pitstop.procedure.OperationException;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the supervisor as a background process ({@code pitstop supervise}) and follows its log
 * until the cluster is running or the supervisor has given up.
 */
final class BackgroundSupervisor {

    private static final long POLL_MILLIS = 200;
    /** Puts the supervisor in a session of its own, so closing the terminal does not hang it up. */
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private final Home home;
    private final Path config;
    private final PrintStream out;
    private final PrintStream err;

    /** @param config the {@code --config} file given, or null for the home's */
    BackgroundSupervisor(Home home, Path config, PrintStream out, PrintStream err) {
        this.home = home;
        this.config = config;
        this.out = out;
        this.err = err;
    }

    /** Returns the exit code for {@code up --detach}: 0 once all nodes are ready, else the supervisor's. */
    int start(List<String> clusterArgs) throws IOException, InterruptedException {
        Path log = home.supervisorLog();
        Files.createDirectories(log.getParent());
        LogFollower follower = LogFollower.fromEnd(log, out);
        ProcessBuilder builder = new ProcessBuilder(command(clusterArgs));
        // Through the environment, not -cp: the expanded class path is long enough that the JDK cuts
        // the command line it reports, and ClusterFile recognises the supervisor by its main class there.
        builder.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        Process supervisor = builder
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        while (true) {
            follower.poll();
            if (!supervisor.isAlive()) {
                follower.poll();
                String reason = follower.lastError().orElse("the supervisor exited with code " + supervisor.exitValue()
                        + " before the cluster was ready; see " + log);
                err.println(LogFollower.ERROR_PREFIX + reason);
                return supervisor.exitValue() == 0 ? OperationException.Kind.FAILED.exitCode() : supervisor.exitValue();
            }
            if (runningUnder(supervisor.pid())) {
                follower.poll();
                out.printf("The supervisor runs in the background (pid %d, log %s); stop the cluster with: pitstop down%n",
                        supervisor.pid(), log);
                return 0;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private boolean runningUnder(long pid) {
        return ClusterFile.read(home)
                .filter(file -> file.pid() != null && file.pid() == pid && ClusterFile.RUNNING.equals(file.state()))
                .isPresent();
    }

    private List<String> command(List<String> clusterArgs) {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            command.add(SETSID.toString());
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                Pitstop.class.getName(), "--home", home.dir().toString()));
        if (config != null) {
            command.addAll(List.of("--config", config.toString()));
        }
        command.add("supervise");
        command.addAll(clusterArgs);
        return command;
    }
}
