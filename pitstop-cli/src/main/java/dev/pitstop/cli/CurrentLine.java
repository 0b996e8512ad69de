package dev.pitstop.cli;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Standard output that remembers how many columns it has printed on the terminal's current line,
 * so that a progress line drawn below it can put the cursor back at its end: a step printed as
 * "  3. restore x ... " is then finished with its "done in 2.1 s" on the same line.
 */
final class CurrentLine extends OutputStream {

    private final OutputStream out;
    private int columns;

    CurrentLine(OutputStream out) {
        this.out = out;
    }

    /** Columns printed since the last line end; one per character, which holds for the CLI's text. */
    synchronized int columns() {
        return columns;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        out.write(b);
        count(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        for (int i = off; i < off + len; i++) {
            count(b[i]);
        }
    }

    private void count(int b) {
        if (b == '\n' || b == '\r') {
            columns = 0;
        } else if ((b & 0xC0) != 0x80) {
            // Continuation bytes of a UTF-8 character add no column.
            columns++;
        }
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }
}
