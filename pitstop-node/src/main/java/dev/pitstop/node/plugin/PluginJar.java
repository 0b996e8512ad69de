package dev.pitstop.node.plugin;

import dev.pitstop.release.Versions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.pf4j.PluginDependency;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginRuntimeException;
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
        try (ZipFile zip = new ZipFile(path.toFile())) {
            if (zip.getEntry(DESCRIPTOR) == null) {
                throw invalid(name + " is not a plugin: it has no " + DESCRIPTOR + " at its root");
            }
        } catch (IOException e) {
            throw invalid(name + " is not a valid jar (zip) file: " + e.getMessage());
        }
        PluginDescriptor descriptor;
        try {
            descriptor = new PropertiesPluginDescriptorFinder().find(path);
        } catch (PluginRuntimeException e) {
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
