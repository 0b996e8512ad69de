package dev.pitstop.backup.format;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Cuts a backup's body into chunks of {@code chunkSize} bytes and seals each. Every chunk but the
 * last is exactly full; the last is shorter, possibly empty, and sealed as the last. That is how a
 * reader knows the end is the real end: a file cut at a chunk boundary lacks a sealed last chunk.
 */
public final class SealedOutputStream extends OutputStream {

    private final OutputStream out;
    private final ChunkSeal seal;
    private final byte[] chunk;
    private final byte[] sealed;
    private int filled;
    private long index;
    private long position;
    private boolean finished;

    /** {@code position} is where the body starts in the file, so that {@link #position()} is a file offset. */
    public SealedOutputStream(OutputStream out, ChunkSeal seal, int chunkSize, long position) {
        this.out = out;
        this.position = position;
        this.seal = seal;
        this.chunk = new byte[chunkSize];
        this.sealed = new byte[chunkSize + seal.tagLength()];
    }

    @Override
    public void write(int b) throws IOException {
        if (finished) {
            throw new IOException("the backup body is already finished");
        }
        chunk[filled++] = (byte) b;
        if (filled == chunk.length) {
            emit(false);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (finished) {
            throw new IOException("the backup body is already finished");
        }
        while (len > 0) {
            int n = Math.min(len, chunk.length - filled);
            System.arraycopy(b, off, chunk, filled, n);
            filled += n;
            off += n;
            len -= n;
            if (filled == chunk.length) {
                emit(false);
            }
        }
    }

    /** Bytes of the file written so far, header and sealing included. */
    public long position() {
        return position;
    }

    /** Seals the last chunk. The underlying stream stays open, so its owner can sync it to disk. */
    public void finish() throws IOException {
        if (!finished) {
            emit(true);
            finished = true;
            out.flush();
        }
    }

    private void emit(boolean last) throws IOException {
        seal.seal(index++, last, chunk, filled, sealed);
        int length = filled + seal.tagLength();
        out.write(sealed, 0, length);
        position += length;
        filled = 0;
    }
}
