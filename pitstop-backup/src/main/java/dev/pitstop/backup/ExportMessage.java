package dev.pitstop.backup;

import dev.pitstop.backup.format.EntryKind;
import dev.pitstop.backup.format.Manifest;

/** What export workers hand to the thread that writes the backup file. */
sealed interface ExportMessage {

    record Open(int id, EntryKind kind, String name) implements ExportMessage {
    }

    record Block(int id, int rawLength, byte[] compressed) implements ExportMessage {
    }

    record Close(int id, Manifest.Entry entry) implements ExportMessage {
    }

    record TaskStarted(String task) implements ExportMessage {
    }

    /** The last message of a task; {@code failure} is null when it succeeded. */
    record TaskEnded(String task, Throwable failure) implements ExportMessage {
    }
}
