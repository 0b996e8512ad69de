package dev.pitstop.secret;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster's key for secret values kept in its database ({@code app.environment}): AES-256-GCM
 * with the JDK's own implementation. The key lives outside the database — a file of the home, mode
 * 0600, or a Kubernetes Secret mounted as a file — so neither the database nor its backups hold a
 * secret in clear, and a backup alone opens none.
 *
 * <p>A sealed value reads {@code pitstop-sealed:v1:} then, in Base64, a fresh 12-byte nonce and the
 * ciphertext with its 16-byte tag. The value's name is authenticated with it, so a sealed value
 * copied to another name does not open.
 */
public final class ClusterKey {

    /** What every sealed value starts with; anything else is a value in clear. */
    public static final String PREFIX = "pitstop-sealed:v1:";

    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;
    private final Path file;

    private ClusterKey(byte[] key, Path file) {
        this.key = new SecretKeySpec(key, "AES");
        this.file = file;
    }

    /** Reads the key in {@code file}, creating the file (mode 0600) with a new key if absent. */
    public static ClusterKey readOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] key = new byte[KEY_BYTES];
            RANDOM.nextBytes(key);
            PrivateFiles.write(file, (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        return read(file);
    }

    /**
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when it holds no key of 32 bytes in Base64
     */
    public static ClusterKey read(Path file) throws IOException {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(Files.readString(file).strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the cluster key file " + file + " does not hold a key in Base64");
        }
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("the cluster key file " + file + " holds " + key.length
                    + " bytes, not the " + KEY_BYTES + " of an AES-256 key");
        }
        return new ClusterKey(key, file);
    }

    public static boolean isSealed(String value) {
        return value.startsWith(PREFIX);
    }

    /** {@code value}, encrypted for {@code name}. */
    public String seal(String name, String value) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        byte[] sealed = crypt(Cipher.ENCRYPT_MODE, name, nonce, value.getBytes(StandardCharsets.UTF_8), 0);
        return PREFIX + Base64.getEncoder().encodeToString(
                ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array());
    }

    /**
     * The value {@link #seal} sealed for {@code name}.
     *
     * @throws IllegalArgumentException when it is not sealed, was sealed with another key or for another
     *                                  name, or was altered
     */
    public String open(String name, String sealed) {
        if (!isSealed(sealed)) {
            throw new IllegalArgumentException("the value of " + name + " is not sealed");
        }
        byte[] bytes = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
        if (bytes.length < NONCE_BYTES) {
            throw new IllegalArgumentException("the sealed value of " + name + " is cut short");
        }
        byte[] nonce = Arrays.copyOf(bytes, NONCE_BYTES);
        return new String(crypt(Cipher.DECRYPT_MODE, name, nonce, bytes, NONCE_BYTES), StandardCharsets.UTF_8);
    }

    private byte[] crypt(int mode, String name, byte[] nonce, byte[] input, int offset) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(name.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input, offset, input.length - offset);
        } catch (AEADBadTagException e) {
            throw new IllegalArgumentException("the sealed value of " + name + " does not open with the cluster key "
                    + file + ": another cluster's key, or an altered value");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every Java runtime", e);
        }
    }

    @Override
    public String toString() {
        return "cluster key " + file;
    }
}
