package dev.pitstop.node.install;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.flywaydb.core.api.FlywayException;

/**
 * A migration of the core or a plugin failed. The message names the migration and the database's
 * error on one line, for node states, the CLI and the audit log; Flyway's full report stays in the
 * cause, for the node's log.
 */
public class MigrationFailedException extends RuntimeException {

    private static final Pattern SCRIPT = Pattern.compile("(V[0-9][^\\s;:,()]*\\.sql)");
    private static final Pattern MESSAGE = Pattern.compile("(?m)^\\s*Message\\s*:\\s*(.+)$");

    public MigrationFailedException(String owner, FlywayException cause) {
        super(summary(owner, cause.getMessage()), cause);
    }

    private static String summary(String owner, String report) {
        Matcher script = SCRIPT.matcher(report);
        Matcher message = MESSAGE.matcher(report);
        if (script.find() && message.find()) {
            return "migration " + script.group(1) + " of " + owner + " failed: " + message.group(1).strip();
        }
        return "migration of " + owner + " failed: " + report.lines().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("---"))
                .collect(Collectors.joining("; "));
    }
}
