package dev.pitstop.backup;

import dev.pitstop.backup.format.Manifest;
import java.nio.file.Path;
import java.time.Duration;

/** A backup written: where, how large, what it holds, and how long it took. */
public record BackupResult(Path file, long size, Manifest manifest, Duration elapsed) {
}
