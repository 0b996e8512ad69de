package dev.pitstop.cli;

import dev.pitstop.home.ClusterConfig;
import dev.pitstop.home.ClusterFile;
import dev.pitstop.home.Home;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.supervisor.EmbeddedDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "down", mixinStandardHelpOptions = true,
        description = {"Stops the cluster gracefully: the nodes drain their requests and stop (killed only past "
                + "their shutdown timeout), then the gateway, then the embedded database. Data is kept for the "
                + "next up.",
                "Also stops an embedded database left running by a supervisor that was killed.",
                "",
                "With nodes: kubernetes in pitstop.yml: scales the Deployment to zero, one pod after the other, "
                        + "each draining first; the database and the storage are kept."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped, or nothing was running", "1:the supervisor did not stop in time; it still runs"})
final class DownCommand implements Callable<Integer> {

    /** Nodes drain in parallel (shutdown timeout + grace), then the gateway and the database stop. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);
    private static final long POLL_MILLIS = 200;

    @ParentCommand
    private Pitstop pitstop;

    @Override
    public Integer call() throws Exception {
        if (pitstop.config().nodes().equals(ClusterConfig.NODES_KUBERNETES)) {
            new KubernetesCluster(pitstop, System.out).stop();
            return 0;
        }
        Home home = pitstop.home();
        Optional<ClusterFile> file = ClusterFile.read(home);
        Optional<ProcessHandle> supervisor = file.flatMap(ClusterFile::supervisor);
        if (supervisor.isPresent()) {
            stopSupervisor(home, supervisor.get());
            return 0;
        }
        Optional<ProcessHandle> leftOver = EmbeddedDatabase.leftOverServer(home.databaseDir());
        if (leftOver.isPresent()) {
            // SIGTERM is PostgreSQL's smart shutdown: its clients, the nodes, exited with their supervisor.
            leftOver.get().destroy();
            awaitExit(leftOver.get(), "the embedded database (pid " + leftOver.get().pid() + ")");
            System.out.println("Stopped the embedded database left running by a supervisor that did not stop it");
        } else {
            System.out.println("No cluster running in " + home + "; nothing to stop");
        }
        // A supervisor that was killed could not record that its cluster stopped.
        file.filter(f -> !ClusterFile.STOPPED.equals(f.state())).ifPresent(f -> f.stopped().write(home));
        return 0;
    }

    private static void stopSupervisor(Home home, ProcessHandle supervisor) throws Exception {
        LogFollower follower = LogFollower.fromEnd(home.supervisorLog(), System.out);
        System.out.printf("Asking the supervisor (pid %d) to stop the cluster%n", supervisor.pid());
        supervisor.destroy();
        Instant deadline = Instant.now().plus(STOP_TIMEOUT);
        while (supervisor.isAlive()) {
            follower.poll();
            if (Instant.now().isAfter(deadline)) {
                throw OperationException.failed("the supervisor (pid " + supervisor.pid() + ") did not stop within "
                        + STOP_TIMEOUT.toSeconds() + " s and still runs; see " + home.supervisorLog());
            }
            Thread.sleep(POLL_MILLIS);
        }
        follower.poll();
    }

    private static void awaitExit(ProcessHandle process, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(STOP_TIMEOUT);
        while (process.isAlive()) {
            if (Instant.now().isAfter(deadline)) {
                throw OperationException.failed(what + " did not stop within " + STOP_TIMEOUT.toSeconds()
                        + " s and still runs");
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
