package dev.pitstop.migration;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The operator's rules: a YAML file that gives tables another rule than their role's default.
 * <pre>
 *   tables:
 *     app.items: upsert
 *     app.comments: skip
 * </pre>
 * Tables are named schema-qualified, as {@code migration check} lists them.
 */
public final class RulesFile {

    private static final YAMLMapper YAML = new YAMLMapper();

    private RulesFile() {
    }

    /** No file: every table gets its default. */
    public static Map<String, Rule> none() {
        return Map.of();
    }

    /**
     * The rules by table.
     *
     * @throws InvalidMigrationException naming the file, the key and what is wrong
     */
    public static Map<String, Rule> read(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (NoSuchFileException e) {
            throw new InvalidMigrationException("rules file not found: " + file);
        } catch (JacksonException e) {
            throw new InvalidMigrationException("rules file " + file + " is not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidMigrationException("cannot read the rules file " + file + ": " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return none();
        }
        if (!root.isObject()) {
            throw invalid(file, "it must be a mapping with the key 'tables'");
        }
        Map<String, Rule> rules = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getKey().equals("tables")) {
                throw invalid(file, "unknown key '" + field.getKey() + "': the only key is 'tables'");
            }
            JsonNode tables = field.getValue();
            if (!tables.isObject()) {
                throw invalid(file, "'tables' must map table names to rules, like 'app.items: upsert'");
            }
            for (Iterator<Map.Entry<String, JsonNode>> t = tables.fields(); t.hasNext(); ) {
                Map.Entry<String, JsonNode> table = t.next();
                if (!table.getKey().contains(".")) {
                    throw invalid(file, "table '" + table.getKey() + "' must be schema-qualified, like 'app."
                            + table.getKey() + "'");
                }
                if (!table.getValue().isTextual()) {
                    throw invalid(file, "table " + table.getKey() + ": the rule must be one of " + Rule.labels());
                }
                try {
                    rules.put(table.getKey(), Rule.of(table.getValue().asText()));
                } catch (IllegalArgumentException e) {
                    throw invalid(file, "table " + table.getKey() + ": " + e.getMessage());
                }
            }
        }
        return rules;
    }

    private static InvalidMigrationException invalid(Path file, String what) {
        return new InvalidMigrationException("rules file " + file + ": " + what);
    }
}
