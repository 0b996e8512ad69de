package dev.pitstop.backup;

import dev.pitstop.db.DbSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PostgreSQL's own client programs, from Debian's {@code postgresql-client} (which {@code bin/test}
 * installs): {@code pg_dump}, the oracle of backup fidelity, and {@code psql}, which loads fixtures
 * as an operator's script would be. Pitstop itself never runs them.
 */
final class PostgresClient {

    private PostgresClient() {
    }

    /**
     * {@code pg_dump --schema-only} of {@code db} as lines, normalised: the header lines that name
     * the versions and the random {@code \restrict} keys of recent pg_dump releases are left out.
     */
    static List<String> schema(DbSettings db) {
        return run(db, "pg_dump", "--schema-only").lines()
                .filter(line -> !line.startsWith("-- Dumped from") && !line.startsWith("-- Dumped by"))
                .filter(line -> !line.startsWith("\\restrict") && !line.startsWith("\\unrestrict"))
                .toList();
    }

    /** Runs a SQL script with {@code psql}, stopping at its first error. */
    static void script(DbSettings db, Path file) {
        run(db, "psql", "-q", "-v", "ON_ERROR_STOP=1", "-f", file.toString());
    }

    private static String run(DbSettings db, String program, String... arguments) {
        URI uri = URI.create(db.url().substring("jdbc:".length()));
        List<String> command = new ArrayList<>(List.of(program, "-h", uri.getHost(), "-p", String.valueOf(uri.getPort()),
                "-U", db.user(), "-d", uri.getPath().substring(1)));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (db.password() != null) {
            builder.environment().put("PGPASSWORD", db.password());
        }
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException(program + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + program + " (apt-get install postgresql-client): "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
