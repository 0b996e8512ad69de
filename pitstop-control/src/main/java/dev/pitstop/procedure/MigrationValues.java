package dev.pitstop.procedure;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Values for the environment variables and secrets a migration's target lacks, as {@code NAME=VALUE}
 * lines: the CLI's {@code --set-file} and {@code --set}, the console's values box. Parsed once here so
 * that both refuse the same mistakes with the same words.
 */
public final class MigrationValues {

    private final Map<String, String> values = new LinkedHashMap<>();

    /**
     * Adds the lines of {@code source}; blank lines and lines starting with '#' are skipped.
     *
     * @throws OperationException (invalid) naming {@code source} and the line that is not NAME=VALUE or
     *                            gives a name again
     */
    public MigrationValues addLines(List<String> lines, String source) {
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                add(line, source + " line " + (i + 1));
            }
        }
        return this;
    }

    /**
     * Adds one {@code NAME=VALUE} given in {@code where}.
     *
     * @throws OperationException (invalid) as {@link #addLines} does
     */
    public MigrationValues add(String assignment, String where) {
        int equals = assignment.indexOf('=');
        if (equals < 1) {
            throw OperationException.invalid(where + ": '" + assignment.split("=", 2)[0] + "...' is not NAME=VALUE");
        }
        if (values.put(assignment.substring(0, equals), assignment.substring(equals + 1)) != null) {
            throw OperationException.invalid(where + ": " + assignment.substring(0, equals) + " is given twice");
        }
        return this;
    }

    /** By name, in the order given. */
    public Map<String, String> asMap() {
        return Collections.unmodifiableMap(values);
    }
}
