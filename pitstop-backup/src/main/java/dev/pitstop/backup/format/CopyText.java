package dev.pitstop.backup.format;

/** PostgreSQL's COPY text format, as far as the backup needs to know it. */
public final class CopyText {

    private CopyText() {
    }

    /** Rows in {@code bytes[0, length)}: each ends with a newline, and newlines inside values are escaped. */
    public static long countRows(byte[] bytes, int length) {
        long rows = 0;
        for (int i = 0; i < length; i++) {
            if (bytes[i] == '\n') {
                rows++;
            }
        }
        return rows;
    }
}
