package dev.pitstop.backup;

import java.io.Console;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where the password of an encrypted backup comes from: a file or the console, never a command-line
 * argument (which every user of the machine can read in the process list). It is asked for only when
 * needed, so a restore refused for another reason never prompts.
 */
@FunctionalInterface
public interface PasswordSource {

    /** No password: backups are written in the clear, and encrypted ones cannot be opened. */
    PasswordSource NONE = () -> null;

    /** The password, or null when there is none. The caller wipes the array after use. */
    char[] password();

    /** The first line of {@code file}, without its line ending. */
    static PasswordSource file(Path file) {
        return () -> {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new BackupException("cannot read the password file " + file + ": " + e.getMessage(), e);
            }
            try {
                CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes));
                int end = 0;
                while (end < chars.limit() && chars.get(end) != '\n' && chars.get(end) != '\r') {
                    end++;
                }
                if (end == 0) {
                    throw new BackupException("the password file " + file + " is empty: put the password on its first line");
                }
                char[] password = new char[end];
                chars.get(password);
                Arrays.fill(chars.array(), '\0');
                return password;
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
        };
    }

    /** Asks on the console, without echo. */
    static PasswordSource prompt(String question) {
        return () -> {
            Console console = System.console();
            if (console == null) {
                throw new BackupException("a password is needed but there is no console to ask on: give it with --password-file FILE");
            }
            return console.readPassword("%s", question);
        };
    }

    /** A password already in memory, for example from an admin API request body. */
    static PasswordSource of(char[] password) {
        char[] copy = password.clone();
        return copy::clone;
    }
}
