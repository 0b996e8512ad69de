package dev.pitstop.migration;

import dev.pitstop.secret.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A cluster's keys for migration files, kept in a directory of its home: its own Ed25519 key pair,
 * which signs the files it writes ({@code signing.key}, PKCS#8, mode 0600; {@code signing.pub}),
 * and the public keys of the clusters whose files it accepts ({@code trusted/<fingerprint>.pub}).
 * Public keys are PEM ({@code -----BEGIN PUBLIC KEY-----}, X.509), as {@code openssl pkey} reads them.
 *
 * <p>Ed25519 rather than a shared HMAC key: a target holds only public keys, so no environment
 * that accepts a file can forge one, and the key a source hands out needs no secrecy in transit.
 */
public final class MigrationKeys {

    static final String ALGORITHM = "Ed25519";
    private static final String PEM_BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String PEM_END = "-----END PUBLIC KEY-----";

    private final Path dir;

    public MigrationKeys(Path dir) {
        this.dir = dir;
    }

    /** A public key this cluster trusts, known by its fingerprint. */
    public record TrustedKey(String fingerprint, PublicKey key, Path file) {
    }

    /** This cluster's key pair, made (private key mode 0600) on first use. */
    public KeyPair keyPair() {
        Path privateFile = dir.resolve("signing.key");
        try {
            if (!Files.exists(privateFile)) {
                KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
                PrivateFiles.write(dir.resolve("signing.pub"), pem(pair.getPublic()).getBytes(StandardCharsets.US_ASCII));
                PrivateFiles.write(privateFile, Base64.getMimeEncoder().encode(pair.getPrivate().getEncoded()));
                return pair;
            }
            PrivateKey privateKey = KeyFactory.getInstance(ALGORITHM).generatePrivate(
                    new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(Files.readAllBytes(privateFile))));
            return new KeyPair(readPublic(dir.resolve("signing.pub")), privateKey);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new MigrationException("cannot read or make this cluster's migration signing key in " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    /** The file of this cluster's public key, which other clusters trust; made with the key pair. */
    public Path publicKeyFile() {
        keyPair();
        return dir.resolve("signing.pub");
    }

    /**
     * Trusts the public key in {@code pemFile}: files it signed are accepted from now on.
     *
     * @throws InvalidMigrationException when the file holds no Ed25519 public key in PEM
     */
    public TrustedKey trust(Path pemFile) {
        PublicKey key;
        try {
            key = readPublic(pemFile);
        } catch (NoSuchFileException e) {
            throw new InvalidMigrationException("no key file " + pemFile);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidMigrationException(pemFile + " holds no Ed25519 public key in PEM (-----BEGIN PUBLIC "
                    + "KEY-----), as 'pitstop migration public-key' prints it: " + e.getMessage());
        }
        Path file = dir.resolve("trusted").resolve(fingerprint(key).replace(':', '-') + ".pub");
        try {
            if (!Files.exists(file)) {
                PrivateFiles.write(file, pem(key).getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            throw new MigrationException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return new TrustedKey(fingerprint(key), key, file);
    }

    /**
     * Stops trusting a key: files it signed are refused from now on.
     *
     * @param key its fingerprint, as {@link #fingerprint} prints it, or a PEM file holding it
     * @throws InvalidMigrationException when this cluster does not trust that key, or it is the
     *                                   cluster's own, which it always accepts
     */
    public TrustedKey untrust(String key) {
        String fingerprint = key;
        if (!key.startsWith("ed25519:")) {
            try {
                fingerprint = fingerprint(readPublic(Path.of(key)));
            } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
                throw new InvalidMigrationException(key + " is neither a key's fingerprint (ed25519:..., as 'pitstop "
                        + "migration keys' lists them) nor a file holding an Ed25519 public key in PEM");
            }
        }
        if (Files.exists(dir.resolve("signing.pub")) && fingerprint.equals(fingerprint(keyPair().getPublic()))) {
            throw new InvalidMigrationException(fingerprint + " is this cluster's own key, whose files it always "
                    + "accepts; it is not among the trusted keys");
        }
        for (TrustedKey trustedKey : trusted()) {
            if (trustedKey.fingerprint().equals(fingerprint)) {
                try {
                    Files.delete(trustedKey.file());
                } catch (IOException e) {
                    throw new MigrationException("cannot delete " + trustedKey.file() + ": " + e.getMessage(), e);
                }
                return trustedKey;
            }
        }
        throw new InvalidMigrationException(fingerprint + " is not among the keys this cluster trusts; "
                + "'pitstop migration keys' lists them");
    }

    /** The keys trusted with {@link #trust}, by fingerprint. */
    public List<TrustedKey> trusted() {
        Path trustedDir = dir.resolve("trusted");
        if (!Files.isDirectory(trustedDir)) {
            return List.of();
        }
        List<TrustedKey> keys = new ArrayList<>();
        try (Stream<Path> files = Files.list(trustedDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".pub")).sorted().toList()) {
                PublicKey key = readPublic(file);
                keys.add(new TrustedKey(fingerprint(key), key, file));
            }
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new MigrationException("cannot read the trusted migration keys in " + trustedDir + ": "
                    + e.getMessage(), e);
        }
        return keys;
    }

    /** The keys whose files this cluster accepts: those it trusts, and its own. */
    public List<PublicKey> accepted() {
        List<PublicKey> keys = new ArrayList<>(trusted().stream().map(TrustedKey::key).toList());
        keys.add(keyPair().getPublic());
        return keys;
    }

    /** {@code ed25519:} and the first 16 bytes of the SHA-256 of the key's X.509 encoding, in hex. */
    public static String fingerprint(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return "ed25519:" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    public static String pem(PublicKey key) {
        return PEM_BEGIN + "\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
                + "\n" + PEM_END + "\n";
    }

    static PublicKey publicKey(byte[] x509) throws GeneralSecurityException {
        return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(x509));
    }

    private static PublicKey readPublic(Path file) throws IOException, GeneralSecurityException {
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (!text.startsWith(PEM_BEGIN) || !text.endsWith(PEM_END)) {
            throw new IllegalArgumentException("not a PEM public key");
        }
        return publicKey(Base64.getMimeDecoder().decode(
                text.substring(PEM_BEGIN.length(), text.length() - PEM_END.length())));
    }
}
