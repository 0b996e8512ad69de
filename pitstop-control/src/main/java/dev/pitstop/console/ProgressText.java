package dev.pitstop.console;

import dev.pitstop.backup.Progress;
import dev.pitstop.backup.ProgressUpdate;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A backup's progress in words for the overview's job list, as the CLI's progress line says it: at
 * most once a second, and at each stage's end, since every update re-renders the live part of every
 * open page.
 */
final class ProgressText implements Progress {

    private static final long EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Consumer<String> shown;
    private long shownAt;
    private boolean shownOnce;

    ProgressText(Consumer<String> shown) {
        this.shown = shown;
    }

    @Override
    public void update(ProgressUpdate update) {
        long now = System.nanoTime();
        if (!update.done() && shownOnce && now - shownAt < EVERY_NANOS) {
            return;
        }
        shownAt = now;
        shownOnce = true;
        shown.accept(update.describe());
    }
}
