package dev.pitstop.procedure;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * Shows a procedure's progress as a numbered list of steps, each with how long it took, so an
 * operator watching a long wait knows which step it is in and a log shows where time went.
 */
public final class StepList {

    /** A step's work. */
    @FunctionalInterface
    public interface Step {
        void run();
    }

    private final PrintStream out;
    private int number;

    public StepList(PrintStream out) {
        this.out = out;
    }

    /** Runs the next step; its exception, if any, is rethrown after the step is shown as failed. */
    public void run(String description, Step step) {
        run(number + 1, description, step);
    }

    /** Runs the step numbered {@code stepNumber}, as a resumed procedure does after the steps done before. */
    public void run(int stepNumber, String description, Step step) {
        number = stepNumber;
        out.printf("  %d. %s ... ", number, description);
        out.flush();
        long start = System.nanoTime();
        try {
            step.run();
        } catch (RuntimeException e) {
            out.printf("failed after %s%n", since(start));
            throw e;
        }
        out.printf("done in %s%n", since(start));
    }

    /** Shows the step numbered {@code stepNumber} without running it, saying why: "done before", "paused". */
    public void show(int stepNumber, String description, String state) {
        number = stepNumber;
        out.printf("  %d. %s ... %s%n", number, description, state);
    }

    private static String since(long startNanos) {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        return String.format(Locale.ROOT, "%.1f s", elapsed.toMillis() / 1000.0);
    }
}
