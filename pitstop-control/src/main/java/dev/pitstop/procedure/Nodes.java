package dev.pitstop.procedure;

import dev.pitstop.driver.NodeDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * What procedures do to several nodes at once: in parallel, so that it takes as long as the
 * slowest node, not the sum of all.
 */
final class Nodes {

    private Nodes() {
    }

    /** Drains and stops the nodes; returns once all have stopped. */
    static void stopAll(NodeDriver nodes, List<String> ids) {
        inParallel(ids, nodes::stop, "stopping");
    }

    /** Waits until every node is ready; throws the first node's failure. */
    static void awaitAllReady(NodeDriver nodes, List<String> ids, Duration timeout) {
        inParallel(ids, id -> nodes.awaitReady(id, timeout), "waiting for");
    }

    /** Starts the nodes and waits until every one is ready; throws the first node's failure. */
    static void startAndAwaitReady(NodeDriver nodes, List<String> ids, Duration timeout) {
        ids.forEach(nodes::start);
        awaitAllReady(nodes, ids, timeout);
    }

    /** "node-2, node-3", for step names. */
    static String names(List<String> ids) {
        return String.join(", ", ids);
    }

    private static void inParallel(List<String> ids, Consumer<String> action, String doing) {
        if (ids.isEmpty()) {
            return;
        }
        ExecutorService workers = Executors.newFixedThreadPool(ids.size());
        try {
            List<Future<?>> results = new ArrayList<>();
            for (String id : ids) {
                results.add(workers.submit(() -> action.accept(id)));
            }
            for (Future<?> result : results) {
                result.get();
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OperationException.failed("interrupted while " + doing + " " + names(ids));
        } finally {
            workers.shutdownNow();
        }
    }
}
