package dev.pitstop.backup;

import dev.pitstop.backup.ProgressUpdate.Stage;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Turns one stage's events into {@link ProgressUpdate}s: one whenever an item starts, otherwise at
 * most five a second. Single-threaded.
 */
final class ProgressMeter {

    private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final Progress listener;
    private final Stage stage;
    private final long totalBytes;
    private final long startNanos = System.nanoTime();
    private final Set<String> current = new LinkedHashSet<>();
    private long bytes;
    private long lastReportNanos;

    ProgressMeter(Progress listener, Stage stage, long totalBytes) {
        this.listener = listener;
        this.stage = stage;
        this.totalBytes = totalBytes;
        report(false);
    }

    void started(String item) {
        current.add(item);
        report(false);
    }

    void finished(String item) {
        current.remove(item);
        reportSoon();
    }

    void bytes(long total) {
        bytes = total;
        reportSoon();
    }

    void done() {
        current.clear();
        report(true);
    }

    private void reportSoon() {
        if (System.nanoTime() - lastReportNanos >= INTERVAL_NANOS) {
            report(false);
        }
    }

    private void report(boolean done) {
        long now = System.nanoTime();
        lastReportNanos = now;
        double seconds = Math.max(now - startNanos, 1) / 1e9;
        listener.update(new ProgressUpdate(stage, List.copyOf(current), bytes, totalBytes, bytes / seconds, done));
    }
}
