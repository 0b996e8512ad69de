package dev.pitstop.backup.format;

import dev.pitstop.backup.BackupPasswordException;
import dev.pitstop.backup.InvalidBackupException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/** Turns a password into the key of one backup with Argon2id, slow on purpose against guessing. */
public final class KeyDerivation {

    /** Argon2id costs. */
    public record Cost(int memoryKiB, int iterations, int parallelism) {

        /** RFC 9106's second recommended setting: 64 MiB, 3 passes, 4 lanes. */
        public static final Cost DEFAULT = new Cost(64 * 1024, 3, 4);

        public Cost {
            if (memoryKiB < 8 * parallelism || iterations < 1 || parallelism < 1) {
                throw new IllegalArgumentException("Argon2id needs at least 1 pass, 1 lane and 8 KiB per lane");
            }
        }

        boolean exceeds(Cost limit) {
            return memoryKiB > limit.memoryKiB || iterations > limit.iterations || parallelism > limit.parallelism;
        }
    }

    private static final int KEY_BYTES = 32;
    private static final int CHECK_BYTES = 16;
    private static final int SALT_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A fresh key for a new file, with what its header must record to derive it again. */
    public record NewKey(SecretKey key, Encryption encryption) {
    }

    private KeyDerivation() {
    }

    public static NewKey create(char[] password, Cost cost) {
        byte[] salt = random(SALT_BYTES);
        byte[] output = derive(password, salt, cost);
        try {
            Encryption encryption = new Encryption(Encryption.CIPHER, Encryption.KDF, cost.memoryKiB(),
                    cost.iterations(), cost.parallelism(), salt, random(GcmSeal.NONCE_PREFIX_BYTES),
                    Arrays.copyOfRange(output, KEY_BYTES, KEY_BYTES + CHECK_BYTES));
            return new NewKey(new SecretKeySpec(output, 0, KEY_BYTES, "AES"), encryption);
        } finally {
            Arrays.fill(output, (byte) 0);
        }
    }

    /**
     * The key of an existing file; {@code file} names it in errors. Costs over {@code limits} are
     * refused before any memory is taken for them.
     */
    public static SecretKey open(char[] password, Encryption encryption, String file, ReadLimits limits) {
        if (!Encryption.CIPHER.equals(encryption.cipher()) || !Encryption.KDF.equals(encryption.kdf())) {
            throw new InvalidBackupException(file + " is encrypted with " + encryption.cipher() + " and a key from "
                    + encryption.kdf() + "; this build knows only " + Encryption.CIPHER + " with " + Encryption.KDF
                    + ": open it with a newer Pitstop");
        }
        Cost cost;
        try {
            cost = new Cost(encryption.memoryKiB(), encryption.iterations(), encryption.parallelism());
        } catch (IllegalArgumentException e) {
            throw new InvalidBackupException(file + " is damaged: its key derivation settings are impossible");
        }
        if (cost.exceeds(limits.kdf())) {
            throw new InvalidBackupException(file + " asks for key derivation costs of " + cost.memoryKiB() + " KiB, "
                    + cost.iterations() + " passes and " + cost.parallelism() + " lanes, over this process's limits ("
                    + limits.kdf().memoryKiB() + " KiB, " + limits.kdf().iterations() + ", " + limits.kdf().parallelism()
                    + "): it was refused before deriving. If the file is genuine, raise limits.backup-kdf-memory-kib, "
                    + "-iterations or -parallelism in pitstop.yml");
        }
        if (encryption.salt() == null || encryption.salt().length != SALT_BYTES
                || encryption.keyCheck() == null || encryption.keyCheck().length != CHECK_BYTES
                || encryption.noncePrefix() == null || encryption.noncePrefix().length != GcmSeal.NONCE_PREFIX_BYTES) {
            throw new InvalidBackupException(file + " is damaged: its encryption settings are out of range");
        }
        byte[] output = derive(password, encryption.salt(), cost);
        try {
            byte[] check = Arrays.copyOfRange(output, KEY_BYTES, KEY_BYTES + CHECK_BYTES);
            if (!MessageDigest.isEqual(check, encryption.keyCheck())) {
                throw new BackupPasswordException("the password does not open " + file + ": check that it is the one the backup was made with");
            }
            return new SecretKeySpec(output, 0, KEY_BYTES, "AES");
        } finally {
            Arrays.fill(output, (byte) 0);
        }
    }

    private static byte[] derive(char[] password, byte[] salt, Cost cost) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(cost.memoryKiB())
                .withIterations(cost.iterations())
                .withParallelism(cost.parallelism())
                .withSalt(salt)
                .build());
        byte[] output = new byte[KEY_BYTES + CHECK_BYTES];
        generator.generateBytes(password, output);
        return output;
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
