package dev.pitstop.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Shows what a background process appends to its log, as it appends it. Lines that are errors of
 * the {@code pitstop} command are held back: the caller reports the last one itself, on stderr.
 */
final class LogFollower {

    static final String ERROR_PREFIX = "pitstop: ";

    private final Path file;
    private final PrintStream out;
    private long offset;
    private String partialLine = "";
    private String lastError;

    private LogFollower(Path file, PrintStream out, long offset) {
        this.file = file;
        this.out = out;
        this.offset = offset;
    }

    /** Follows from the log's current end: only what is written from now on is shown. */
    static LogFollower fromEnd(Path file, PrintStream out) throws IOException {
        return new LogFollower(file, out, Files.exists(file) ? Files.size(file) : 0);
    }

    /** Shows the complete lines written since the last call. */
    void poll() throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        String text;
        try (RandomAccessFile log = new RandomAccessFile(file.toFile(), "r")) {
            if (log.length() < offset) {
                // Rotated (logs.max-file-bytes): the lines since are at the start of the new file.
                offset = 0;
            }
            byte[] bytes = new byte[(int) Math.max(0, log.length() - offset)];
            log.seek(offset);
            log.readFully(bytes);
            offset += bytes.length;
            text = partialLine + new String(bytes, StandardCharsets.UTF_8);
        }
        int end = text.lastIndexOf('\n');
        partialLine = text.substring(end + 1);
        if (end < 0) {
            return;
        }
        for (String line : text.substring(0, end).split("\n", -1)) {
            if (line.startsWith(ERROR_PREFIX)) {
                lastError = line.substring(ERROR_PREFIX.length());
            } else {
                out.println(line);
            }
        }
        out.flush();
    }

    Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }
}
