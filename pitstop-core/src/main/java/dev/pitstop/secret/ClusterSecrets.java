package dev.pitstop.secret;

import dev.pitstop.control.Tokens;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Secrets a cluster makes once and keeps, one file each in a directory of its home (mode 0700, files
 * 0600): values an application needs the same on every node and across its releases, such as the key
 * NocoBase signs its sessions with ({@code APP_KEY}), which must not change with an upgrade. A release
 * descriptor asks for one as {@code ${secret.NAME}}; the value never leaves the file but for the
 * process that uses it.
 */
public final class ClusterSecrets {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{secret\\.([^}]*)}");

    private final Path dir;

    public ClusterSecrets(Path dir) {
        this.dir = dir;
    }

    /** Where secret {@code name} is kept. */
    public Path file(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a secret's name: use lower-case letters, digits"
                    + " and '-', at most 64");
        }
        return dir.resolve(name);
    }

    /** {@code template} with each {@code ${secret.NAME}} replaced by that secret. */
    public String expand(String template) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(result, Matcher.quoteReplacement(get(matcher.group(1))));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    /** The names of the secrets {@code template} asks for, in order. */
    public static Set<String> namesIn(String template) {
        Set<String> names = new LinkedHashSet<>();
        Matcher matcher = PLACEHOLDER.matcher(template);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    /**
     * Secret {@code name}: read from its file, or made (256 random bits) and written on first use.
     *
     * @throws IllegalArgumentException for an invalid name, or a file others can read (say which and what to do)
     */
    public String get(String name) {
        Path file = file(name);
        try {
            PrivateFiles.createDirectories(dir);
            try {
                return Tokens.readOrCreate(file);
            } catch (FileAlreadyExistsException e) {
                return Tokens.read(file); // made meanwhile by another process of the cluster
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read or make the cluster secret " + file + ": " + e.getMessage(), e);
        }
    }
}
