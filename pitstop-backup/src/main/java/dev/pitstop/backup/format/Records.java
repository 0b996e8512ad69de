package dev.pitstop.backup.format;

/**
 * The records of a backup's body, after the header and inside the sealed chunks:
 * <pre>
 *   'O' id u32, kind u8, name length u16, name UTF-8       an entry starts
 *   'B' id u32, raw length u32, length u32, zstd frame      a block of the entry's bytes
 *   'C' id u32                                              the entry is complete
 *   'M' length u32, manifest JSON                           the manifest, always last
 * </pre>
 * Blocks of entries written by parallel workers interleave; each block of a table holds whole rows,
 * so a restore loads every block with a COPY of its own and never buffers a table.
 */
final class Records {

    static final byte OPEN = 'O';
    static final byte BLOCK = 'B';
    static final byte CLOSE = 'C';
    static final byte MANIFEST = 'M';

    private Records() {
    }
}
