package dev.pitstop.backup.format;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.util.Arrays;

/**
 * Compresses blocks with zstd. Level 1 compresses table text several times over at hundreds of
 * MB/s a core, so compression keeps up with COPY instead of being what a backup waits for.
 * One per thread: it keeps a native context between blocks.
 */
public final class BlockCompressor implements AutoCloseable {

    private static final int LEVEL = 1;

    private final ZstdCompressCtx context = new ZstdCompressCtx().setLevel(LEVEL);
    private byte[] buffer = new byte[0];

    /** A new array holding {@code raw[0, length)} compressed, to be handed to another thread. */
    public byte[] compress(byte[] raw, int length) {
        int bound = (int) Zstd.compressBound(length);
        if (buffer.length < bound) {
            buffer = new byte[bound];
        }
        int n = context.compressByteArray(buffer, 0, bound, raw, 0, length);
        return Arrays.copyOf(buffer, n);
    }

    @Override
    public void close() {
        context.close();
    }
}
