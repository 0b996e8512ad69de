package dev.pitstop.release;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads the migrations a release carries and the phase each declares. A plugin declares its
 * phases in {@code plugin.properties} by Flyway version, comma-separated:
 *
 * <pre>
 * plugin.migrations.expand=3,4
 * plugin.migrations.contract=5
 * plugin.migrations.batched=4
 * </pre>
 *
 * A <em>batched</em> migration changes at most a batch of rows each time it runs ({@code UPDATE ...
 * WHERE id IN (SELECT id ... LIMIT n)}): every path that runs it repeats it until it changes no row
 * ({@link BatchedMigrations}). It is declared rather than recognised because the nodes run migrations
 * without the linter's parser; the online upgrade's plan checks the declaration against the linter.
 *
 * Every migration not listed is {@link MigrationPhase#OFFLINE}, which is what every migration was
 * before phases existed; the core's migrations (in the node runtime under {@code lib/}) declare
 * none, so they are all offline. A version listed that has no migration file is an error, so a
 * typo cannot quietly turn a migration offline.
 */
public final class ReleaseMigrations {

    public static final String EXPAND_KEY = "plugin.migrations.expand";
    public static final String CONTRACT_KEY = "plugin.migrations.contract";
    public static final String BATCHED_KEY = "plugin.migrations.batched";
    private static final Pattern FILE = Pattern.compile("V([0-9][0-9_.]*)__[^/]*\\.sql");

    private ReleaseMigrations() {
    }

    /** The core's migrations, then each bundled plugin's, each in version order. */
    public static List<MigrationSet> of(Release release) {
        List<MigrationSet> sets = new ArrayList<>();
        for (Path jar : jars(release.lib())) {
            MigrationSet core = read(jar, "core", null, null, MigrationSet.CORE_LOCATION, MigrationSet.CORE_HISTORY,
                    new Properties());
            if (!core.scripts().isEmpty()) {
                sets.add(core);
            }
        }
        for (Path jar : release.plugins()) {
            sets.add(ofPlugin(jar));
        }
        return sets;
    }

    /** The migrations of the plugin in {@code jar}, in version order. */
    public static MigrationSet ofPlugin(Path jar) {
        Properties descriptor = descriptor(jar);
        String id = descriptor.getProperty("plugin.id");
        if (id == null) {
            throw new IllegalArgumentException(jar + " has no plugin.id in its plugin.properties");
        }
        return read(jar, "plugin " + id, id, descriptor.getProperty("plugin.version"), "migrations/" + id,
                MigrationSet.pluginHistoryTable(id), descriptor);
    }

    private static MigrationSet read(Path jar, String owner, String pluginId, String pluginVersion, String location,
                                     String history, Properties descriptor) {
        Set<String> expand = versions(descriptor, EXPAND_KEY);
        Set<String> contract = versions(descriptor, CONTRACT_KEY);
        Set<String> batched = versions(descriptor, BATCHED_KEY);
        Set<String> unmatched = new HashSet<>(expand);
        unmatched.addAll(contract);
        unmatched.addAll(batched);
        List<MigrationScript> scripts = new ArrayList<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry entry : zip.stream().toList()) {
                String name = entry.getName();
                if (!name.startsWith(location + "/") || name.substring(location.length() + 1).contains("/")) {
                    continue;
                }
                String file = name.substring(location.length() + 1);
                Matcher m = FILE.matcher(file);
                if (!m.matches()) {
                    continue;
                }
                String version = m.group(1).replace('_', '.');
                MigrationPhase phase = expand.contains(version) ? MigrationPhase.EXPAND
                        : contract.contains(version) ? MigrationPhase.CONTRACT : MigrationPhase.OFFLINE;
                unmatched.remove(version);
                try (InputStream in = zip.getInputStream(entry)) {
                    scripts.add(new MigrationScript(owner, version, file, phase, batched.contains(version),
                            new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the migrations of " + owner + " in " + jar + ": "
                    + e.getMessage());
        }
        if (!unmatched.isEmpty()) {
            throw new IllegalArgumentException(jar.getFileName() + " declares the phase of migration versions "
                    + String.join(", ", unmatched.stream().sorted().toList()) + " (" + EXPAND_KEY + ", " + CONTRACT_KEY
                    + ", " + BATCHED_KEY + ") but has no file V<version>__*.sql of them under " + location + "/");
        }
        scripts.sort(Comparator.comparing(MigrationScript::flywayVersion));
        return new MigrationSet(owner, pluginId, pluginVersion, jar, location, history, scripts);
    }

    private static Set<String> versions(Properties descriptor, String key) {
        String value = descriptor.getProperty(key, "").strip();
        Set<String> versions = new HashSet<>();
        if (!value.isEmpty()) {
            Arrays.stream(value.split(",")).map(String::strip).map(v -> v.replace('_', '.')).forEach(versions::add);
        }
        return versions;
    }

    private static Properties descriptor(Path jar) {
        Properties properties = new Properties();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry("plugin.properties");
            if (entry == null) {
                throw new IllegalArgumentException(jar + " is not a plugin: it has no plugin.properties");
            }
            try (InputStream in = zip.getInputStream(entry)) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(jar + " is not a valid jar: " + e.getMessage());
        }
        return properties;
    }

    private static List<Path> jars(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list " + dir + ": " + e.getMessage());
        }
    }
}
