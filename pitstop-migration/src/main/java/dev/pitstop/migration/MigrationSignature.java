package dev.pitstop.migration;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.pitstop.backup.format.Json;
import dev.pitstop.backup.format.Manifest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.List;

/**
 * The signature a migration file ends with: after the backup format's last byte, the signer's
 * Ed25519 public key (X.509, 44 bytes), the signature (64 bytes) and {@link #MAGIC}. It signs the
 * manifest, which holds the SHA-256 of every entry (the plan with its statements, each table's
 * rows): a file whose content changed no longer matches its manifest, and a manifest made again
 * to match no longer matches the signature. The seal of the format itself is an unkeyed checksum,
 * which anyone who edits a file can recompute.
 */
final class MigrationSignature {

    private static final byte[] MAGIC = "PITSTOP-SIGNED01".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTEXT = "pitstop migration manifest\n".getBytes(StandardCharsets.US_ASCII);
    private static final int KEY_BYTES = 44;
    private static final int SIGNATURE_BYTES = 64;
    private static final int TRAILER_BYTES = KEY_BYTES + SIGNATURE_BYTES + MAGIC.length;

    private final PublicKey key;
    private final byte[] signature;
    private final long bodyLength;

    private MigrationSignature(PublicKey key, byte[] signature, long bodyLength) {
        this.key = key;
        this.signature = signature;
        this.bodyLength = bodyLength;
    }

    /** Appends the signature of {@code manifest} by {@code keys} to {@code file}, whose format it ends. */
    static void append(Path file, Manifest manifest, KeyPair keys) throws IOException {
        byte[] publicKey = keys.getPublic().getEncoded();
        if (publicKey.length != KEY_BYTES) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + publicKey.length + " bytes");
        }
        byte[] signed;
        try {
            Signature signer = Signature.getInstance(MigrationKeys.ALGORITHM);
            signer.initSign(keys.getPrivate());
            signer.update(message(manifest));
            signed = signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is part of every Java runtime since 15", e);
        }
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
            out.write(publicKey);
            out.write(signed);
            out.write(MAGIC);
        }
    }

    /**
     * The signature {@code file} ends with.
     *
     * @throws MigrationRefusedException when it ends with none
     */
    static MigrationSignature read(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer trailer = ByteBuffer.allocate(TRAILER_BYTES);
            if (size > TRAILER_BYTES) {
                channel.read(trailer, size - TRAILER_BYTES);
            }
            byte[] bytes = trailer.array();
            if (size <= TRAILER_BYTES || !Arrays.equals(bytes, KEY_BYTES + SIGNATURE_BYTES, TRAILER_BYTES, MAGIC, 0,
                    MAGIC.length)) {
                throw refused(file, "is not signed: a migration file must be signed by the cluster that wrote it "
                        + "(pitstop migration create signs it)");
            }
            PublicKey key = MigrationKeys.publicKey(Arrays.copyOf(bytes, KEY_BYTES));
            return new MigrationSignature(key, Arrays.copyOfRange(bytes, KEY_BYTES, KEY_BYTES + SIGNATURE_BYTES),
                    size - TRAILER_BYTES);
        } catch (GeneralSecurityException e) {
            throw refused(file, "has a signature that names no valid Ed25519 key");
        } catch (IOException e) {
            throw refused(file, "cannot be read: " + e.getMessage());
        }
    }

    PublicKey key() {
        return key;
    }

    /** Where the backup format ends and the signature begins. */
    long bodyLength() {
        return bodyLength;
    }

    /** Whether {@code accepted} holds the key that signed. */
    boolean byOneOf(List<PublicKey> accepted) {
        return accepted.stream().anyMatch(k -> Arrays.equals(k.getEncoded(), key.getEncoded()));
    }

    /** Whether the signature is the signer's over {@code manifest}. */
    boolean matches(Manifest manifest) {
        try {
            Signature verifier = Signature.getInstance(MigrationKeys.ALGORITHM);
            verifier.initVerify(key);
            verifier.update(message(manifest));
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] message(Manifest manifest) {
        try {
            byte[] json = Json.MAPPER.writeValueAsBytes(manifest);
            return ByteBuffer.allocate(CONTEXT.length + json.length).put(CONTEXT).put(json).array();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a manifest is always JSON", e);
        }
    }

    private static MigrationRefusedException refused(Path file, String reason) {
        return new MigrationRefusedException(file.toString(), List.of(file + " " + reason));
    }
}
