package dev.pitstop.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * Bearer tokens. The cluster stores only their SHA-256 hashes; the tokens live in files that only
 * their owner can read, and a file that others can read, or an empty one, is refused rather than
 * trusted. An empty token never matches.
 */
public final class Tokens {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private Tokens() {
    }

    /** Reads the token in {@code file}, creating the file (mode 0600) with a new token if absent. */
    public static String readOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            return read(file);
        }
        String token = generate();
        write(file, token);
        return token;
    }

    /** A new token: 256 random bits, in hex. */
    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Writes a token to a new file that only its owner can read; refuses to replace a file. */
    public static void write(Path file, String token) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        // Created 0600 from the start: a file that is chmod-ed after writing is readable in between.
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, token + "\n", StandardOpenOption.TRUNCATE_EXISTING);
    }

    /**
     * Reads the token in {@code file}.
     *
     * @throws TokenException (UNSAFE_FILE) when the file is empty, or readable or writable by its
     *                        group or others: a token others can read is no longer a secret
     */
    public static String read(Path file) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        if (!Collections.disjoint(permissions, OTHERS)) {
            throw new TokenException(TokenException.Reason.UNSAFE_FILE, "the token file " + file + " is "
                    + PosixFilePermissions.toString(permissions) + ": its group or others can use it; make it"
                    + " readable by its owner only (chmod 600 " + file + "), and rotate the token if others"
                    + " may have read it");
        }
        String token = Files.readString(file).strip();
        if (token.isEmpty()) {
            throw new TokenException(TokenException.Reason.UNSAFE_FILE, "the token file " + file + " is empty;"
                    + " put the token in it, or delete it for pitstop up to make a new one");
        }
        return token;
    }

    public static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** Compares in constant time, so the comparison does not reveal how much of a guess was right. */
    public static boolean matches(String token, String expectedHash) {
        if (token == null || token.isEmpty() || expectedHash == null) {
            return false;
        }
        return MessageDigest.isEqual(hash(token).getBytes(StandardCharsets.US_ASCII),
                expectedHash.getBytes(StandardCharsets.US_ASCII));
    }
}
