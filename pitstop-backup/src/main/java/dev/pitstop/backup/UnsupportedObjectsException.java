package dev.pitstop.backup;

import java.util.List;

/**
 * The application schemas hold objects a backup cannot carry, so no backup was written: a backup
 * that silently left them out would restore into a different application.
 */
public final class UnsupportedObjectsException extends BackupException {

    private final List<String> objects;

    public UnsupportedObjectsException(List<String> objects) {
        super("cannot back up: the application schemas hold objects a backup cannot carry: "
                + String.join(", ", objects)
                + ". Remove them or move them out of the application schemas, then try again.");
        this.objects = List.copyOf(objects);
    }

    /** Each object as "kind name", for example "materialized view app.totals". */
    public List<String> objects() {
        return objects;
    }
}
