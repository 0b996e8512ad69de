package dev.pitstop.release;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the tables of an application Pitstop does not host hold, for environment migration: the
 * {@code "tables"} section of its {@code release.json}. Pitstop's own runtime and its plugins declare
 * their tables themselves; an application like NocoBase cannot, so its release carries the preset.
 * Names are plain (unquoted) table names of {@code schema}; a table not listed is user data.
 *
 * <pre>{@code
 * "tables": {
 *   "schema": "public",
 *   "configuration": ["collections", "fields", "uiSchemas"],
 *   "data": ["users"],
 *   "internal": ["applicationPlugins", "migrations"]
 * }
 * }</pre>
 *
 * @param schema        the schema the names are in
 * @param configuration tables an operator sets up in one environment and publishes to the next
 * @param data          tables each environment keeps its own rows of (what users create, and settings that
 *                      hold an environment's secrets)
 * @param internal      the application's own bookkeeping (plugin state, migration history): never moved
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeclaredTables(String schema, List<String> configuration, List<String> data, List<String> internal) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public DeclaredTables {
        configuration = configuration == null ? List.of() : List.copyOf(configuration);
        data = data == null ? List.of() : List.copyOf(data);
        internal = internal == null ? List.of() : List.copyOf(internal);
    }

    /**
     * The tables section of {@code release}'s descriptor, or empty when it has none.
     *
     * @throws IllegalArgumentException naming the descriptor and the field when the section is invalid
     */
    public static Optional<DeclaredTables> of(Release release) {
        Path descriptor = release.dir().resolve(Release.DESCRIPTOR);
        JsonNode tables;
        try {
            tables = JSON.readTree(descriptor.toFile()).get("tables");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + descriptor + ": " + e.getMessage());
        }
        if (tables == null || tables.isNull()) {
            return Optional.empty();
        }
        DeclaredTables parsed;
        try {
            parsed = JSON.treeToValue(tables, DeclaredTables.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(descriptor + ": \"tables\" is not a list of table roles: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (parsed.schema() == null || parsed.schema().isBlank()) {
            throw new IllegalArgumentException(descriptor + ": \"tables.schema\" is missing: say which schema the "
                    + "tables are in (NocoBase's is \"public\")");
        }
        return Optional.of(parsed);
    }
}
