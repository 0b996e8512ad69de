package dev.pitstop.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.reflect.RecordComponent;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a configuration record from three layers, each overriding the one before: a YAML file,
 * environment variables, and {@code key=value} flags. Keys are the record's component names in
 * kebab case, nested with dots ({@code db.url}); the environment variable of a key is
 * {@code PITSTOP_} and the key in upper case with dots and dashes as underscores
 * ({@code PITSTOP_DB_URL}). An unknown key in the file or the flags is an error, never ignored.
 * Records validate themselves in their constructors; those errors come out as {@link ConfigException}.
 */
public final class ConfigLoader {

    private static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ConfigLoader() {
    }

    public static <T extends Record> T load(Class<T> type, Path file, Map<String, String> env,
                                            Map<String, String> flags) {
        Map<String, Class<?>> known = new TreeMap<>();
        collectKeys(type, "", known);
        Map<String, Object> values = new LinkedHashMap<>();
        if (file != null) {
            readFile(file, known, values);
        }
        for (String key : known.keySet()) {
            String value = env.get(envName(key));
            if (value != null) {
                values.put(key, value);
            }
        }
        flags.forEach((key, value) -> {
            if (!known.containsKey(key)) {
                throw unknownKey(key, "given as a flag", known);
            }
            values.put(key, value);
        });
        return bind(type, values);
    }

    /**
     * {@code array}'s entries as {@code type}, keyed as in a config file (kebab-case), for a section that
     * another file carries; {@code where} names that file and section in errors.
     */
    public static <T> List<T> readList(JsonNode array, Class<T> type, String where) {
        try {
            return MAPPER.readerForListOf(type).readValue(array);
        } catch (JsonMappingException e) {
            throw new ConfigException(where + ": " + describe(e));
        } catch (IOException e) {
            throw new ConfigException(where + ": " + e.getMessage());
        }
    }

    public static String envName(String key) {
        return "PITSTOP_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static void readFile(Path file, Map<String, Class<?>> known, Map<String, Object> values) {
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            throw new ConfigException("config file " + file + " must be a YAML mapping of keys to values");
        }
        flatten(root, "", file, known, values);
    }

    private static void flatten(JsonNode node, String prefix, Path file, Map<String, Class<?>> known,
                                Map<String, Object> values) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = prefix + field.getKey();
            boolean isSection = known.keySet().stream().anyMatch(k -> k.startsWith(key + "."));
            if (field.getValue().isObject() && isSection) {
                flatten(field.getValue(), key + ".", file, known, values);
            } else if (known.containsKey(key)) {
                values.put(key, field.getValue());
            } else {
                throw unknownKey(key, "in " + file, known);
            }
        }
    }

    private static ConfigException unknownKey(String key, String where, Map<String, Class<?>> known) {
        return new ConfigException("unknown config key '" + key + "' " + where + "; known keys: "
                + String.join(", ", known.keySet()));
    }

    private static <T> T bind(Class<T> type, Map<String, Object> values) {
        ObjectNode tree = MAPPER.createObjectNode();
        values.forEach((key, value) -> {
            ObjectNode parent = tree;
            String[] parts = key.split("\\.");
            for (int i = 0; i < parts.length - 1; i++) {
                parent = parent.has(parts[i]) ? (ObjectNode) parent.get(parts[i]) : parent.putObject(parts[i]);
            }
            parent.set(parts[parts.length - 1], MAPPER.valueToTree(value));
        });
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (JsonMappingException e) {
            throw new ConfigException(describe(e));
        } catch (IOException e) {
            throw new ConfigException("invalid configuration: " + e.getMessage());
        }
    }

    private static String describe(JsonMappingException e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        if (root instanceof IllegalArgumentException || root instanceof ConfigException) {
            return root.getMessage();
        }
        StringBuilder key = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                key.append(key.length() == 0 ? "" : ".").append(ref.getFieldName());
            }
        }
        return "config key '" + key + "' has a value of the wrong type: " + e.getOriginalMessage();
    }

    private static void collectKeys(Class<?> type, String prefix, Map<String, Class<?>> keys) {
        for (RecordComponent component : type.getRecordComponents()) {
            String key = prefix + kebab(component.getName());
            if (component.getType().isRecord()) {
                collectKeys(component.getType(), key + ".", keys);
            } else {
                keys.put(key, component.getType());
            }
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
