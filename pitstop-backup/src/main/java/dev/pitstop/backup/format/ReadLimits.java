package dev.pitstop.backup.format;

/**
 * The most a backup or migration file may make its reader allocate or compute before the file has
 * proven sound: a crafted file must not make a node or the CLI reserve a gigabyte per claimed
 * block, or spin for minutes deriving a key. Set once per process from its configuration
 * ({@code limits.backup-*} in {@code pitstop.yml}, or the node's configuration): the limits protect
 * the process's memory, whichever command or request reads the file.
 *
 * @param blockBytes the largest block a reader allocates; blocks hold about a megabyte, and only a
 *                   row larger than that makes a larger one
 * @param kdf        the largest Argon2id costs a file's header may ask for
 */
public record ReadLimits(int blockBytes, KeyDerivation.Cost kdf) {

    /** 256 MiB blocks; 4 times the default KDF memory (256 MiB), 10 passes, 16 lanes. */
    public static final ReadLimits DEFAULT = new ReadLimits(256 << 20, new KeyDerivation.Cost(256 * 1024, 10, 16));

    /** The smallest block limit: the blocks a backup writes, of about a megabyte, must fit. */
    public static final int MIN_BLOCK_BYTES = 4 << 20;

    private static volatile ReadLimits current = DEFAULT;

    /**
     * @throws IllegalArgumentException for limits that would refuse the backups Pitstop makes,
     *                                  naming the configuration key
     */
    public ReadLimits {
        if (blockBytes < MIN_BLOCK_BYTES) {
            throw new IllegalArgumentException("limits.backup-block-bytes is " + blockBytes + ": it must be at least "
                    + MIN_BLOCK_BYTES + " (4 MiB), or backups Pitstop writes could not be read");
        }
        KeyDerivation.Cost made = KeyDerivation.Cost.DEFAULT;
        if (kdf.memoryKiB() < made.memoryKiB() || kdf.iterations() < made.iterations()
                || kdf.parallelism() < made.parallelism()) {
            throw new IllegalArgumentException("limits.backup-kdf-memory-kib, -iterations and -parallelism must be at "
                    + "least " + made.memoryKiB() + ", " + made.iterations() + " and " + made.parallelism()
                    + " (what encrypted backups are made with), got " + kdf.memoryKiB() + ", " + kdf.iterations()
                    + " and " + kdf.parallelism());
        }
    }

    /**
     * The default limits with the values given; null keeps a default.
     *
     * @throws IllegalArgumentException as the constructor does
     */
    public static ReadLimits of(Long blockBytes, Integer kdfMemoryKiB, Integer kdfIterations, Integer kdfParallelism) {
        if (blockBytes != null && blockBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("limits.backup-block-bytes is " + blockBytes + ": it must be at most "
                    + (Integer.MAX_VALUE - 8));
        }
        KeyDerivation.Cost kdf = DEFAULT.kdf();
        return new ReadLimits(blockBytes == null ? DEFAULT.blockBytes() : blockBytes.intValue(), new KeyDerivation.Cost(
                kdfMemoryKiB == null ? kdf.memoryKiB() : kdfMemoryKiB,
                kdfIterations == null ? kdf.iterations() : kdfIterations,
                kdfParallelism == null ? kdf.parallelism() : kdfParallelism));
    }

    /** The limits of this process: {@link #DEFAULT} until {@link #apply} sets others. */
    public static ReadLimits current() {
        return current;
    }

    /** Makes these the limits of every file this process reads from now on. */
    public void apply() {
        current = this;
    }
}
