package dev.pitstop.backup;

import dev.pitstop.backup.format.EntryKind;
import dev.pitstop.backup.format.Manifest;
import java.io.IOException;

/** Where {@link EntryWriter}s put what they encode: straight into the file, or onto the export queue. */
public interface EntrySink {

    /** Starts an entry and returns its id. */
    int open(EntryKind kind, String name) throws IOException;

    /** A block of {@code rawLength} bytes of entry {@code id}, compressed; the array is handed over. */
    void block(int id, int rawLength, byte[] compressed) throws IOException;

    void close(int id, Manifest.Entry entry) throws IOException;
}
