package dev.pitstop.backup.format;

import dev.pitstop.backup.InvalidBackupException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Reads what {@link SealedOutputStream} wrote, opening each chunk before releasing any of its bytes. */
public final class SealedInputStream extends InputStream {

    private final InputStream in;
    private final ChunkSeal seal;
    private final String file;
    private final byte[] sealed;
    private final byte[] chunk;
    private long position;
    private long index;
    private int start;
    private int end;
    private boolean last;

    /** {@code position} is where the body starts in the file, so errors give file offsets. */
    public SealedInputStream(InputStream in, ChunkSeal seal, int chunkSize, String file, long position) {
        this.in = in;
        this.seal = seal;
        this.file = file;
        this.sealed = new byte[chunkSize + seal.tagLength()];
        this.chunk = new byte[chunkSize];
        this.position = position;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (start == end) {
            if (last) {
                return -1;
            }
            nextChunk();
        }
        int n = Math.min(len, end - start);
        System.arraycopy(chunk, start, b, off, n);
        start += n;
        return n;
    }

    /** Bytes of the file consumed so far. */
    public long position() {
        return position;
    }

    private void nextChunk() throws IOException {
        int n = in.readNBytes(sealed, 0, sealed.length);
        boolean full = n == sealed.length;
        if (!full && n < seal.tagLength()) {
            throw new InvalidBackupException(file + " is truncated: it ends at byte " + (position + n)
                    + ", inside chunk " + index + ", before the end of the backup");
        }
        if (!seal.open(index, !full, sealed, n, chunk)) {
            throw new InvalidBackupException(file + " is damaged: chunk " + index + " (bytes " + position + " to "
                    + (position + n - 1) + ") does not match its checksum"
                    + (full ? "" : ", or the file is truncated there"));
        }
        position += n;
        index++;
        start = 0;
        end = n - seal.tagLength();
        if (!full) {
            last = true;
            long trailing = in.transferTo(OutputStream.nullOutputStream());
            if (trailing > 0) {
                throw new InvalidBackupException(file + " is damaged: " + trailing + " unexpected bytes follow its end at byte " + position);
            }
        }
    }
}
