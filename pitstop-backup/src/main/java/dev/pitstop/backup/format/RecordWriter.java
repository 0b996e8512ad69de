package dev.pitstop.backup.format;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writes the {@link Records} of a backup's body. Not thread-safe: one thread writes the file. */
public final class RecordWriter {

    private final DataOutputStream out;

    public RecordWriter(OutputStream out) {
        this.out = new DataOutputStream(out);
    }

    public void open(int id, EntryKind kind, String name) throws IOException {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0xFFFF) {
            throw new IOException("entry name longer than 65535 bytes: " + name.substring(0, 80) + "...");
        }
        out.writeByte(Records.OPEN);
        out.writeInt(id);
        out.writeByte(kind.ordinal());
        out.writeShort(bytes.length);
        out.write(bytes);
    }

    /** A block: {@code rawLength} bytes of the entry compressed into {@code compressed[0, length)}. */
    public void block(int id, int rawLength, byte[] compressed, int length) throws IOException {
        out.writeByte(Records.BLOCK);
        out.writeInt(id);
        out.writeInt(rawLength);
        out.writeInt(length);
        out.write(compressed, 0, length);
    }

    public void close(int id) throws IOException {
        out.writeByte(Records.CLOSE);
        out.writeInt(id);
    }

    public void manifest(Manifest manifest) throws IOException {
        byte[] json = Json.MAPPER.writeValueAsBytes(manifest);
        out.writeByte(Records.MANIFEST);
        out.writeInt(json.length);
        out.write(json);
        out.flush();
    }
}
