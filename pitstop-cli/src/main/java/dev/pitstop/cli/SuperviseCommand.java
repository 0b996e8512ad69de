package dev.pitstop.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.pitstop.supervisor.RotatingLog;
import dev.pitstop.supervisor.Supervisor;
import dev.pitstop.supervisor.SupervisorSettings;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ParentCommand;

/** What {@code up --detach} runs in the background: {@code up} in the foreground, by another name. */
@Command(name = "supervise", hidden = true, description = "Runs a cluster's supervisor (used by up --detach).")
final class SuperviseCommand implements Callable<Integer> {

    @ParentCommand
    private Pitstop pitstop;

    @Mixin
    private ClusterOptions options;

    @Override
    public Integer call() throws Exception {
        SupervisorSettings settings = options.settings(pitstop.home(), pitstop.config());
        // up --detach follows this log; it rotates like the nodes' (logs in pitstop.yml). The
        // process's own stdout goes to the same file for what the JVM itself may print.
        RotatingLog log = new RotatingLog(pitstop.home().supervisorLog(), pitstop.config().logs());
        PrintStream output = log.printStream();
        System.setOut(output);
        System.setErr(output);
        return runInForeground(settings, false);
    }

    /**
     * Runs the cluster until this process is told to stop (SIGINT, SIGTERM), then stops it gracefully.
     *
     * @param interactive whether an operator watches this process's output, and can press Ctrl-C
     */
    static int runInForeground(SupervisorSettings settings, boolean interactive) throws InterruptedException {
        Supervisor supervisor = new Supervisor(settings, System.out);
        // Registered before starting, so a signal during the start stops what was started so far.
        // While steps print, starting or stopping, the cluster's INFO lines (a node entering or
        // leaving rotation) would cut the step lines in two, on the console or in the log that
        // 'up --detach' and 'down' follow, and say again what the steps say; a warning still shows.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            logLevel(Level.WARN);
            supervisor.close();
        }, "stop-cluster"));
        logLevel(Level.WARN);
        supervisor.start();
        logLevel(Level.INFO);
        if (interactive) {
            System.out.println("Running until stopped: press Ctrl-C here, or run: pitstop down");
        }
        supervisor.awaitStopped();
        return 0;
    }

    private static void logLevel(Level level) {
        ((Logger) LoggerFactory.getLogger("dev.pitstop")).setLevel(level);
    }
}
