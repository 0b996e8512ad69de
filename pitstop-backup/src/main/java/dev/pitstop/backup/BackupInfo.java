package dev.pitstop.backup;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A backup in the catalogue, as {@code backup list} shows it.
 *
 * @param release the release that made it, or null when not known
 * @param problem why its header cannot be read, or null; the other fields are then unknown
 */
public record BackupInfo(String name, Path file, long size, String release, Instant createdAt, boolean encrypted,
                         String problem) {
}
