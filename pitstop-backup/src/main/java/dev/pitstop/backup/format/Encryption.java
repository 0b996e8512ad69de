package dev.pitstop.backup.format;

/**
 * How an encrypted backup's key is derived and checked. The key is Argon2id of the password; the
 * check value is more output of the same derivation, so a wrong password is told apart from a
 * damaged file before any chunk is opened.
 *
 * @param memoryKiB   Argon2id memory cost
 * @param iterations  Argon2id time cost
 * @param parallelism Argon2id lanes
 * @param salt        random per file, so two backups with one password have different keys
 * @param noncePrefix random per file, the fixed part of every chunk's nonce
 * @param keyCheck    the derivation's output after the key
 */
public record Encryption(String cipher, String kdf, int memoryKiB, int iterations, int parallelism,
                         byte[] salt, byte[] noncePrefix, byte[] keyCheck) {

    public static final String CIPHER = "AES-256-GCM";
    public static final String KDF = "argon2id";
}
