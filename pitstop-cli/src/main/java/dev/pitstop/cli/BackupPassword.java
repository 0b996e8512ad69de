package dev.pitstop.cli;

import dev.pitstop.backup.PasswordSource;
import dev.pitstop.procedure.OperationException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The password of a backup, from {@code --password-file} or else asked on the terminal, never from
 * the command line. It is asked at most once per command, and only when needed: a restore first
 * verifies the file, then saves the current data and restores, all with the same password.
 */
final class BackupPassword implements PasswordSource {

    private final PasswordSource source;
    private char[] password;

    private BackupPassword(PasswordSource source) {
        this.source = source;
    }

    /** To open a backup: the file's first line, or the answer to {@code question}. */
    static BackupPassword toOpen(Path file, String question) {
        return new BackupPassword(file != null ? PasswordSource.file(file) : PasswordSource.prompt(question));
    }

    /** To encrypt a new backup: the file's first line, or a password typed twice. */
    static BackupPassword toEncrypt(Path file) {
        return new BackupPassword(file != null ? PasswordSource.file(file) : BackupPassword::typedTwice);
    }

    @Override
    public synchronized char[] password() {
        if (password == null) {
            password = source.password();
        }
        return password.clone();
    }

    private static char[] typedTwice() {
        char[] first = PasswordSource.prompt("Password for the backup: ").password();
        char[] second = PasswordSource.prompt("The same password again: ").password();
        try {
            if (first == null || first.length == 0) {
                throw OperationException.invalid("the password is empty; nothing was written");
            }
            if (!Arrays.equals(first, second)) {
                throw OperationException.invalid("the two passwords differ; nothing was written");
            }
            return first;
        } finally {
            if (second != null) {
                Arrays.fill(second, '\0');
            }
        }
    }
}
