package dev.pitstop.gateway;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The gateway's access log: a line per request in the combined format, plus the node that served
 * it and the time spent.
 *
 * @param file       the current log; at midnight (UTC) it is renamed with the date appended and a
 *                   new one started
 * @param retainDays how many days of renamed logs are kept before they are deleted
 */
public record AccessLogSettings(Path file, int retainDays) {

    public static final int DEFAULT_RETAIN_DAYS = 14;

    public AccessLogSettings {
        Objects.requireNonNull(file, "file");
        if (retainDays < 1) {
            throw new IllegalArgumentException("access log retain days must be at least 1, got: " + retainDays);
        }
    }
}
