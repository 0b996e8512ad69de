package dev.pitstop.migration;

import dev.pitstop.db.Database;
import dev.pitstop.release.DeclaredTables;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Which role each table of the application schema has, and who owns it, as the core and the
 * plugins declare it. A plugin declares its tables in its {@code plugin.properties}:
 * <pre>
 *   plugin.tables.configuration = categories, labels
 *   plugin.tables.data          = items
 * </pre>
 * (names in the application schema, comma-separated). The release of an application Pitstop does
 * not host declares its tables in its descriptor instead ({@link DeclaredTables}: NocoBase's preset).
 * A table nobody declares is user data, owned by nobody: the safe default moves its definition and
 * never its rows.
 */
public final class Declarations {

    public static final String CONFIGURATION_KEY = "plugin.tables.configuration";
    public static final String DATA_KEY = "plugin.tables.data";

    /** What the core declares: its settings are configuration, its environment and bookkeeping never move. */
    private static final Map<String, Declared> CORE = Map.of(
            qualified("settings"), new Declared(TableRole.CONFIGURATION, Declared.CORE),
            qualified("environment"), new Declared(TableRole.ENVIRONMENT, Declared.CORE),
            qualified("plugins"), new Declared(TableRole.INTERNAL, Declared.CORE),
            qualified("core_schema_history"), new Declared(TableRole.INTERNAL, Declared.CORE));

    /** Each plugin's migration history (see the node's installer). */
    private static final Pattern PLUGIN_HISTORY = Pattern.compile(Database.APP_SCHEMA + "\\.plugin_[a-z0-9_]+_schema_history");
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final String DESCRIPTOR = "plugin.properties";

    private final Map<String, Declared> tables;

    private Declarations(Map<String, Declared> tables) {
        this.tables = Map.copyOf(tables);
    }

    /**
     * A table's role and owner.
     *
     * @param owner {@code core}, a plugin id, or null for a table nobody declares
     */
    public record Declared(TableRole role, String owner) {
        static final String CORE = "core";
    }

    /**
     * The core's declarations and those of the plugins in {@code jars}.
     *
     * @throws InvalidMigrationException naming the jar whose declaration is not valid
     */
    public static Declarations read(Collection<Path> jars) {
        return read(Optional.empty(), "", jars);
    }

    /**
     * As {@link #read(Collection)}, with the tables {@code release} (named {@code releaseName}, their
     * owner) declares in its descriptor.
     *
     * @throws InvalidMigrationException naming the table declared twice
     */
    public static Declarations read(Optional<DeclaredTables> release, String releaseName, Collection<Path> jars) {
        Map<String, Declared> tables = new HashMap<>(CORE);
        release.ifPresent(declared -> {
            declareRelease(tables, releaseName, declared.schema(), declared.configuration(), TableRole.CONFIGURATION);
            declareRelease(tables, releaseName, declared.schema(), declared.data(), TableRole.USER_DATA);
            declareRelease(tables, releaseName, declared.schema(), declared.internal(), TableRole.INTERNAL);
        });
        for (Path jar : jars) {
            Properties descriptor = descriptor(jar);
            String plugin = descriptor.getProperty("plugin.id");
            declare(tables, jar, plugin, descriptor.getProperty(CONFIGURATION_KEY), TableRole.CONFIGURATION);
            declare(tables, jar, plugin, descriptor.getProperty(DATA_KEY), TableRole.USER_DATA);
        }
        return new Declarations(tables);
    }

    /** The declaration of {@code table} (quoted and schema-qualified); an undeclared table is ownerless user data. */
    public Declared of(String table) {
        Declared declared = tables.get(unquoted(table));
        if (declared != null) {
            return declared;
        }
        if (PLUGIN_HISTORY.matcher(table).matches()) {
            return new Declared(TableRole.INTERNAL, Declared.CORE);
        }
        return new Declared(TableRole.USER_DATA, null);
    }

    private static void declare(Map<String, Declared> tables, Path jar, String plugin, String list, TableRole role) {
        if (list == null || list.isBlank()) {
            return;
        }
        for (String name : list.split(",")) {
            String table = name.strip();
            if (!NAME.matcher(table).matches()) {
                throw new InvalidMigrationException(jar.getFileName() + ": " + (role == TableRole.CONFIGURATION
                        ? CONFIGURATION_KEY : DATA_KEY) + " names '" + table + "', which is not a plain table name of the "
                        + "application schema (lower-case letters, digits, underscores)");
            }
            Declared earlier = tables.putIfAbsent(qualified(table), new Declared(role, plugin));
            if (earlier != null && !(earlier.owner().equals(plugin) && earlier.role() == role)) {
                throw new InvalidMigrationException(jar.getFileName() + " declares table " + qualified(table) + " as "
                        + role.label() + ", but " + earlier.owner() + " declares it as " + earlier.role().label()
                        + ": a table has one owner and one role");
            }
        }
    }

    private static void declareRelease(Map<String, Declared> tables, String release, String schema, List<String> names,
                                       TableRole role) {
        for (String name : names) {
            Declared earlier = tables.putIfAbsent(schema + "." + name, new Declared(role, release));
            if (earlier != null) {
                throw new InvalidMigrationException("release " + release + " declares table " + schema + "." + name
                        + " as " + role.label() + ", but " + earlier.owner() + " declares it as " + earlier.role().label()
                        + ": list it once in the \"tables\" of its release.json");
            }
        }
    }

    /**
     * {@code public."desktopRoutes"} as {@code public.desktopRoutes}: catalog names are quoted as PostgreSQL's
     * {@code quote_ident} does, declarations are plain names.
     */
    private static String unquoted(String table) {
        return SqlNames.parts(table).stream().map(SqlNames::unquoted).collect(Collectors.joining("."));
    }

    private static Properties descriptor(Path jar) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry(DESCRIPTOR);
            if (entry == null) {
                throw new InvalidMigrationException(jar + " is not a plugin: it has no " + DESCRIPTOR);
            }
            Properties properties = new Properties();
            try (InputStream in = zip.getInputStream(entry)) {
                properties.load(in);
            }
            return properties;
        } catch (IOException e) {
            throw new InvalidMigrationException("cannot read the plugin " + jar + ": " + e.getMessage());
        }
    }

    private static String qualified(String table) {
        return Database.APP_SCHEMA + "." + table;
    }
}
