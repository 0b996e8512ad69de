package dev.pitstop.cli;

import dev.pitstop.backup.Progress;
import dev.pitstop.backup.ProgressUpdate;
import java.io.PrintStream;

/**
 * Shows a backup's, verification's or restore's progress on standard error: bytes, rate, and the
 * tables in progress. On a terminal it is one line redrawn in place, erased when the stage ends,
 * and drawn below a line standard output left unfinished (a procedure's step) so that the step
 * ends on its own line. Elsewhere (a log, CI) it prints a line every
 * {@value #PLAIN_INTERVAL_SECONDS} seconds and one when a stage ends.
 */
final class ProgressDisplay implements Progress {

    private static final int PLAIN_INTERVAL_SECONDS = 5;
    private static final String ERASE_LINE = "\r\033[K";

    private final PrintStream err;
    private final CurrentLine out;
    private final boolean terminal;
    private final int width;
    private boolean drawing;
    private boolean below;
    private long lastPrintNanos = System.nanoTime();

    /**
     * @param out      standard output, to draw below a line it left unfinished; null when nothing
     *                 else prints meanwhile
     * @param terminal whether standard error is a terminal that understands redrawing a line
     */
    ProgressDisplay(PrintStream err, CurrentLine out, boolean terminal, int width) {
        this.err = err;
        this.out = out;
        this.terminal = terminal;
        this.width = width;
    }

    /** For this process: a terminal when it has a console and TERM is not "dumb"; COLUMNS wide, else 80. */
    static ProgressDisplay forConsole(CurrentLine out) {
        boolean terminal = System.console() != null && !"dumb".equals(System.getenv("TERM"));
        int width = 80;
        try {
            width = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "80"));
        } catch (NumberFormatException ignored) {
            // keep 80
        }
        return new ProgressDisplay(System.err, out, terminal, width);
    }

    @Override
    public synchronized void update(ProgressUpdate update) {
        if (terminal) {
            draw(update);
        } else if (update.done() || System.nanoTime() - lastPrintNanos > PLAIN_INTERVAL_SECONDS * 1_000_000_000L) {
            err.println(update.describe());
            lastPrintNanos = System.nanoTime();
        }
    }

    private void draw(ProgressUpdate update) {
        if (!drawing) {
            drawing = true;
            below = out != null && out.columns() > 0;
            if (below) {
                err.print('\n');
            }
        }
        if (update.done()) {
            err.print(ERASE_LINE);
            if (below) {
                // Back up to the end of the unfinished line, however often it wrapped.
                err.print("\033[1A\033[" + (out.columns() % width + 1) + "G");
            }
            drawing = false;
        } else {
            String text = update.describe();
            err.print(ERASE_LINE + (text.length() < width ? text : text.substring(0, width - 2) + "…"));
        }
        err.flush();
    }
}
