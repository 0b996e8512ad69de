package dev.pitstop.backup;

import dev.pitstop.backup.format.BackupLabel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The backups directory: every {@code *.backup} file in it is a backup, named by its file name.
 * A backup still being written has another extension until it is complete, so it never shows.
 */
public final class BackupCatalog {

    public static final String EXTENSION = ".backup";
    private static final String SCHEDULED = "scheduled-";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Path dir;

    public BackupCatalog(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path dir() {
        return dir;
    }

    /** Every backup, newest first; unreadable ones last, with their problem. */
    public List<BackupInfo> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<BackupInfo> backups = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files.filter(BackupCatalog::isBackup).sorted()::iterator) {
                backups.add(info(file));
            }
        } catch (IOException e) {
            throw new BackupException("cannot list the backups in " + dir + ": " + e.getMessage(), e);
        }
        backups.sort(Comparator.comparing(BackupInfo::createdAt, Comparator.nullsFirst(Comparator.naturalOrder()))
                .reversed());
        return backups;
    }

    /** Where a backup made now by hand goes: {@code backup-20250102-030405.backup}, UTC. */
    public Path newFile(Instant now) {
        return dir.resolve("backup-" + STAMP.format(now) + EXTENSION);
    }

    /** Where the scheduled backup of {@code slot} goes; one file per slot, whichever node makes it. */
    public Path scheduledFile(Instant slot) {
        return dir.resolve(SCHEDULED + STAMP.format(slot) + EXTENSION);
    }

    /** The file of backup {@code name}, which must be in the catalogue. */
    public Path resolve(String name) {
        Path file = dir.resolve(name).normalize();
        if (!file.getParent().equals(dir) || !isBackup(file)) {
            throw new BackupException("no backup named \"" + name + "\" in " + dir + ": see backup list for the names");
        }
        return file;
    }

    public void delete(String name) {
        Path file = resolve(name);
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new BackupException("cannot delete " + file + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the oldest scheduled backups beyond the newest {@code keep}; returns their names. */
    public List<String> pruneScheduled(int keep) {
        List<BackupInfo> scheduled = list().stream().filter(b -> b.name().startsWith(SCHEDULED)).toList();
        List<String> deleted = new ArrayList<>();
        for (BackupInfo backup : scheduled.subList(Math.min(keep, scheduled.size()), scheduled.size())) {
            delete(backup.name());
            deleted.add(backup.name());
        }
        return deleted;
    }

    private static boolean isBackup(Path file) {
        return file.getFileName().toString().endsWith(EXTENSION) && Files.isRegularFile(file);
    }

    private static BackupInfo info(Path file) {
        String name = file.getFileName().toString();
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            return new BackupInfo(name, file, -1, null, null, false, "cannot read: " + e.getMessage());
        }
        try {
            BackupLabel label = Backups.label(file);
            return new BackupInfo(name, file, size, label.release(), label.createdAt(), label.encrypted(), null);
        } catch (BackupException e) {
            return new BackupInfo(name, file, size, null, null, false, e.getMessage());
        }
    }
}
