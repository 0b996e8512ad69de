package dev.pitstop.backup.format;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM per chunk, in the STREAM construction of Hoang, Reyhanitabar, Rogaway and Vizár: the
 * nonce is a per-file prefix, the chunk index and the last-chunk flag. Each chunk is authenticated
 * on its own, so decryption needs one chunk of memory, unlike GCM over the whole stream, which
 * cannot release any plaintext before it has checked the tag at the very end.
 */
public final class GcmSeal implements ChunkSeal {

    static final int NONCE_PREFIX_BYTES = 7;
    private static final int TAG_BYTES = 16;
    private static final long MAX_CHUNKS = 1L << 32;

    private final SecretKey key;
    private final byte[] noncePrefix;
    private final byte[] headerDigest;
    private final Cipher cipher;

    /** {@code headerDigest} is authenticated with every chunk, so the clear-text header cannot be swapped. */
    public GcmSeal(SecretKey key, byte[] noncePrefix, byte[] headerDigest) {
        this.key = key;
        this.noncePrefix = noncePrefix.clone();
        this.headerDigest = headerDigest.clone();
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime has no AES-GCM", e);
        }
    }

    @Override
    public int tagLength() {
        return TAG_BYTES;
    }

    @Override
    public void seal(long index, boolean last, byte[] plain, int length, byte[] sealed) {
        try {
            init(Cipher.ENCRYPT_MODE, index, last);
            cipher.doFinal(plain, 0, length, sealed, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to encrypt chunk " + index, e);
        }
    }

    @Override
    public boolean open(long index, boolean last, byte[] sealed, int length, byte[] plain) {
        try {
            init(Cipher.DECRYPT_MODE, index, last);
            cipher.doFinal(sealed, 0, length, plain, 0);
            return true;
        } catch (AEADBadTagException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to decrypt chunk " + index, e);
        }
    }

    private void init(int mode, long index, boolean last) throws GeneralSecurityException {
        if (index >= MAX_CHUNKS) {
            throw new IllegalStateException("a backup body is limited to 2^32 chunks");
        }
        byte[] nonce = ByteBuffer.allocate(NONCE_PREFIX_BYTES + 5)
                .put(noncePrefix).putInt((int) index).put((byte) (last ? 1 : 0)).array();
        cipher.init(mode, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
        cipher.updateAAD(headerDigest);
    }
}
