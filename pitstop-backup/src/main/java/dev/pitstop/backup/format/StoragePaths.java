package dev.pitstop.backup.format;

import dev.pitstop.backup.InvalidBackupException;
import java.nio.file.Path;

/**
 * Names of storage entries: relative paths with {@code /} separators that stay inside the storage
 * directory. A crafted backup must not write outside it ("zip slip"), so every name is checked when
 * read, and again when resolved against the directory it is extracted into.
 */
public final class StoragePaths {

    private StoragePaths() {
    }

    /** The entry name of {@code path}, a file or directory under {@code root}. */
    public static String name(Path root, Path path) {
        StringBuilder name = new StringBuilder();
        for (Path part : root.relativize(path)) {
            if (!name.isEmpty()) {
                name.append('/');
            }
            name.append(part);
        }
        return name.toString();
    }

    /** Refuses a name that is empty, absolute, or has an empty, "." or ".." segment. */
    public static void check(String name, String file) {
        boolean safe = !name.isEmpty() && name.indexOf('\0') < 0;
        for (String segment : name.split("/", -1)) {
            safe &= !segment.isEmpty() && !segment.equals(".") && !segment.equals("..");
        }
        if (!safe) {
            throw new InvalidBackupException(file + " holds the storage entry \"" + name
                    + "\", whose path is not inside the storage directory: the backup is refused");
        }
    }

    /** Where entry {@code name} goes under {@code root}. */
    public static Path resolve(Path root, String name, String file) {
        check(name, file);
        Path target = root.resolve(name).normalize();
        if (!target.startsWith(root)) {
            throw new InvalidBackupException(file + " holds the storage entry \"" + name
                    + "\", which resolves outside the storage directory: the backup is refused");
        }
        return target;
    }
}
