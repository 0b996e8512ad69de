package dev.pitstop.console;

import dev.pitstop.procedure.OperationException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Long operations started in the console (procedures, backups) run here, in the server process, so
 * that they go on when the browser closes; the journal shows their steps, and this their outcome.
 */
final class Jobs implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Jobs.class);
    private static final int KEPT = 50;

    /** @param state {@code running}, {@code succeeded}, {@code failed} or {@code refused} */
    record Job(long id, String description, String actor, String state, String message) {
    }

    private final Runnable onChange;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Job> jobs = new ConcurrentSkipListMap<>();
    private final ExecutorService executor = Executors.newCachedThreadPool(work -> {
        Thread thread = new Thread(work, "console-job");
        thread.setDaemon(true);
        return thread;
    });

    /** @param onChange called after a job started or ended */
    Jobs(Runnable onChange) {
        this.onChange = onChange;
    }

    /** Starts {@code work}, which returns what it did in words; returns the job's id. */
    long start(String description, String actor, Supplier<String> work) {
        return startReporting(description, actor, progress -> work.get());
    }

    /**
     * Starts {@code work}, which may tell how far it got, in words, to the consumer it is given (shown as
     * the running job's message), and returns what it did; returns the job's id.
     */
    long startReporting(String description, String actor, Function<Consumer<String>, String> work) {
        long id = ids.incrementAndGet();
        put(new Job(id, description, actor, "running", null));
        while (jobs.size() > KEPT) {
            jobs.remove(jobs.keySet().iterator().next());
        }
        executor.execute(() -> {
            try {
                put(new Job(id, description, actor, "succeeded", work.apply(progress -> {
                    jobs.computeIfPresent(id, (key, job) -> job.state().equals("running")
                            ? new Job(id, description, actor, "running", progress) : job);
                    onChange.run();
                })));
            } catch (OperationException e) {
                put(new Job(id, description, actor, e.kind() == OperationException.Kind.REFUSED ? "refused"
                        : "failed", e.getMessage()));
            } catch (RuntimeException e) {
                log.warn("Console job '{}' failed", description, e);
                put(new Job(id, description, actor, "failed", e.getMessage() == null ? e.toString()
                        : e.getMessage()));
            }
        });
        return id;
    }

    private void put(Job job) {
        jobs.put(job.id(), job);
        onChange.run();
    }

    /** The newest first. */
    List<Job> latest() {
        return jobs.values().stream().sorted((a, b) -> Long.compare(b.id(), a.id())).toList();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
