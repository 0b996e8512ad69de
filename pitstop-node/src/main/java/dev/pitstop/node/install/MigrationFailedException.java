package dev.pitstop.node.install;

import java.util.stream.Collectors;
import org.flywaydb.core.api.FlywayException;

/** A migration of the core or a plugin failed; the message names the owner and Flyway's account. */
public class MigrationFailedException extends RuntimeException {

    public MigrationFailedException(String owner, FlywayException cause) {
        super("migration of " + owner + " failed: " + oneLine(cause.getMessage()), cause);
    }

    /** Flyway's report is a framed multi-line block; node states and logs want it on one line. */
    private static String oneLine(String report) {
        return report.lines().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("---"))
                .collect(Collectors.joining("; "));
    }
}
