package dev.pitstop.backup.format;

import java.nio.ByteBuffer;
import java.security.MessageDigest;

/**
 * The seal of an unencrypted backup: SHA-256 over the header's digest, the chunk's position, its
 * last-chunk flag and its bytes. It detects damage, truncation and reordering; like any checksum
 * without a secret it cannot stop someone who rewrites the file on purpose — encrypt for that.
 */
public final class DigestSeal implements ChunkSeal {

    private static final int TAG_BYTES = 32;

    private final byte[] headerDigest;
    private final MessageDigest sha256;
    private final byte[] tag = new byte[TAG_BYTES];

    public DigestSeal(byte[] headerDigest) {
        this.headerDigest = headerDigest.clone();
        this.sha256 = Sha256.newDigest();
    }

    @Override
    public int tagLength() {
        return TAG_BYTES;
    }

    @Override
    public void seal(long index, boolean last, byte[] plain, int length, byte[] sealed) {
        System.arraycopy(plain, 0, sealed, 0, length);
        System.arraycopy(digest(index, last, plain, length), 0, sealed, length, TAG_BYTES);
    }

    @Override
    public boolean open(long index, boolean last, byte[] sealed, int length, byte[] plain) {
        int plainLength = length - TAG_BYTES;
        System.arraycopy(sealed, plainLength, tag, 0, TAG_BYTES);
        if (!MessageDigest.isEqual(tag, digest(index, last, sealed, plainLength))) {
            return false;
        }
        System.arraycopy(sealed, 0, plain, 0, plainLength);
        return true;
    }

    private byte[] digest(long index, boolean last, byte[] data, int length) {
        sha256.update(headerDigest);
        sha256.update(ByteBuffer.allocate(9).putLong(index).put((byte) (last ? 1 : 0)).array());
        sha256.update(data, 0, length);
        return sha256.digest();
    }
}
