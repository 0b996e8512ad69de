package dev.pitstop.backup;

import dev.pitstop.backup.format.BlockCompressor;
import dev.pitstop.backup.format.EntryKind;
import dev.pitstop.backup.format.Manifest;
import dev.pitstop.backup.format.Sha256;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Encodes one entry into compressed blocks of about {@link #BLOCK_BYTES}, checksumming it on the
 * way. A block ends only between two {@link #write} calls, so when each call is a row, every block
 * holds whole rows and loads with a COPY of its own.
 */
public final class EntryWriter {

    /** Large enough for zstd to find the repetition in table text, small enough to keep memory flat. */
    static final int BLOCK_BYTES = 1 << 20;

    private final EntrySink sink;
    private final BlockCompressor compressor;
    private final EntryKind kind;
    private final String name;
    private final int id;
    private final MessageDigest sha256 = Sha256.newDigest();
    private byte[] block = new byte[BLOCK_BYTES];
    private int filled;
    private long size;

    public EntryWriter(EntrySink sink, BlockCompressor compressor, EntryKind kind, String name) throws IOException {
        this.sink = sink;
        this.compressor = compressor;
        this.kind = kind;
        this.name = name;
        this.id = sink.open(kind, name);
    }

    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (filled + length > block.length) {
            // Only a row larger than a block grows it; the next block starts small again.
            block = Arrays.copyOf(block, Math.max(block.length * 2, filled + length));
        }
        System.arraycopy(bytes, offset, block, filled, length);
        filled += length;
        sha256.update(bytes, offset, length);
        size += length;
        if (filled >= BLOCK_BYTES) {
            emit();
        }
    }

    /** Completes the entry; {@code rows} is a table's row count, null for other entries. */
    public void finish(Long rows) throws IOException {
        if (filled > 0) {
            emit();
        }
        sink.close(id, new Manifest.Entry(kind, name, size, rows, Sha256.hex(sha256.digest())));
    }

    private void emit() throws IOException {
        sink.block(id, filled, compressor.compress(block, filled));
        filled = 0;
        if (block.length > BLOCK_BYTES) {
            block = new byte[BLOCK_BYTES];
        }
    }
}
