package dev.pitstop.backup.format;

/**
 * Protects one chunk of a backup's body: its bytes, its position and whether it is the last one.
 * Binding the position and the last-chunk flag is what makes reordered, dropped or truncated chunks
 * fail to open, not only altered bytes.
 */
public interface ChunkSeal {

    /** How many bytes sealing adds to a chunk. */
    int tagLength();

    /** Seals {@code plain[0, length)} into {@code sealed}, which then holds {@code length + tagLength()} bytes. */
    void seal(long index, boolean last, byte[] plain, int length, byte[] sealed);

    /**
     * Opens {@code sealed[0, length)} into {@code plain} (which then holds {@code length - tagLength()}
     * bytes); false when the chunk is not the one sealed at this position.
     */
    boolean open(long index, boolean last, byte[] sealed, int length, byte[] plain);
}
