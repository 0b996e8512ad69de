package dev.pitstop.node.plugin;

import dev.pitstop.release.Versions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.pf4j.PluginDependency;
import org.pf4j.PluginDescriptor;
import org.pf4j.PropertiesPluginDescriptorFinder;

/**
 * A plugin jar whose descriptor has been read and checked; {@link #read} throws a
 * {@link PluginChangeException} of reason {@code INVALID} saying what is wrong with a bad one.
 */
public record PluginJar(Path path, PluginDescriptor descriptor) {

    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final String DESCRIPTOR = "plugin.properties";

    public static PluginJar read(Path path) {
        String name = path.getFileName().toString();
        Properties properties = new Properties();
        // Read with ZipFile, not PF4J's finder: that one shares one zip file system per jar between
        // threads and closes it after each read, so concurrent reads of the same jar fail.
        try (ZipFile zip = new ZipFile(path.toFile())) {
            ZipEntry entry = zip.getEntry(DESCRIPTOR);
            if (entry == null) {
                throw invalid(name + " is not a plugin: it has no " + DESCRIPTOR + " at its root");
            }
            try (InputStream in = zip.getInputStream(entry)) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw invalid(name + " is not a valid jar (zip) file: " + e.getMessage());
        }
        PluginDescriptor descriptor;
        try {
            descriptor = DescriptorParser.INSTANCE.parse(properties);
        } catch (RuntimeException e) {
            throw invalid(name + ": cannot read " + DESCRIPTOR + ": " + e.getMessage());
        }
        String id = descriptor.getPluginId();
        if (id == null || !ID.matcher(id).matches()) {
            throw invalid(name + ": plugin.id '" + id
                    + "' must be lower-case letters, digits and dashes, starting with a letter");
        }
        if (descriptor.getPluginClass() == null || descriptor.getPluginClass().isBlank()) {
            throw invalid(name + ": plugin.class is missing");
        }
        check(name, "plugin.version", () -> Versions.parse(descriptor.getVersion()));
        check(name, "plugin.requires", () -> Versions.satisfies("0.0.0", descriptor.getRequires()));
        return new PluginJar(path, descriptor);
    }

    public String id() {
        return descriptor.getPluginId();
    }

    public String version() {
        return descriptor.getVersion();
    }

    public List<String> dependencyIds() {
        return descriptor.getDependencies().stream().map(PluginDependency::getPluginId).toList();
    }

    /** Why this plugin cannot run on the release, or null when it can. */
    public String incompatibilityWith(String releaseVersion) {
        if (Versions.satisfies(releaseVersion, descriptor.getRequires())) {
            return null;
        }
        return "plugin " + id() + " " + version() + " requires release " + descriptor.getRequires()
                + ", but the cluster runs " + releaseVersion;
    }

    /** PF4J's own parsing of plugin.properties (ids, versions, dependency syntax), given the properties. */
    private static final class DescriptorParser extends PropertiesPluginDescriptorFinder {

        static final DescriptorParser INSTANCE = new DescriptorParser();

        PluginDescriptor parse(Properties properties) {
            return createPluginDescriptor(properties);
        }
    }

    private static PluginChangeException invalid(String message) {
        return new PluginChangeException(PluginChangeException.Reason.INVALID, message);
    }

    private static void check(String name, String key, Runnable validation) {
        try {
            validation.run();
        } catch (IllegalArgumentException e) {
            throw invalid(name + ": " + key + ": " + e.getMessage());
        }
    }
}
