package dev.pitstop.node.plugin;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the plugins running on this node in line with the database: runs every installed and
 * enabled plugin at its recorded version, and nothing else. Called at start, on every plugin
 * change notification, and periodically in case a notification was missed; a call that finds
 * nothing to do changes nothing.
 */
public final class PluginReconciler {

    private static final Logger log = LoggerFactory.getLogger(PluginReconciler.class);

    private final PluginHost host;
    private final PluginStates states;
    private final PluginStore store;
    private final Map<String, PluginJar> bundled;

    public PluginReconciler(PluginHost host, PluginStates states, PluginStore store, Map<String, PluginJar> bundled) {
        this.host = host;
        this.states = states;
        this.store = store;
        this.bundled = bundled;
    }

    /** @return how many plugins it unloaded, stopped, loaded or started */
    public synchronized int reconcile() {
        int changes = 0;
        Map<String, PluginStates.State> rows = states.all();
        for (PluginWrapper plugin : host.loaded()) {
            String id = plugin.getPluginId();
            PluginStates.State row = rows.get(id);
            boolean otherVersionWanted = row != null && !wantedVersion(row).equals(plugin.getDescriptor().getVersion());
            if (otherVersionWanted || (row == null && !bundled.containsKey(id))) {
                host.unload(id);
                changes++;
            } else if ((row == null || !row.active()) && host.isStarted(id)) {
                host.stop(id);
                changes++;
            }
        }
        for (PluginStates.State row : DependencyOrder.sort(rows.values(), PluginStates.State::id, this::dependencies)) {
            if (!row.active()) {
                continue;
            }
            try {
                if (host.loadedVersion(row.id()) == null) {
                    host.load(jar(row));
                    changes++;
                }
                if (!host.isStarted(row.id())) {
                    host.start(row.id());
                    changes++;
                }
            } catch (RuntimeException e) {
                log.error("Plugin {} {} cannot run on this node: {}", row.id(), row.version(), e.getMessage(), e);
            }
        }
        return changes;
    }

    /**
     * A bundled plugin runs at the version this release bundles: during an online upgrade the
     * database still records the previous release's, and a node of the new one must not unload its own.
     */
    private String wantedVersion(PluginStates.State row) {
        PluginJar jar = row.file() == null ? bundled.get(row.id()) : null;
        return jar == null ? row.version() : jar.version();
    }

    private Path jar(PluginStates.State row) {
        if (row.file() != null) {
            return store.path(row.file());
        }
        PluginJar jar = bundled.get(row.id());
        if (jar == null) {
            throw new IllegalStateException("plugin " + row.id() + " is recorded as bundled, but this release has no such plugin");
        }
        return jar.path();
    }

    private List<String> dependencies(PluginStates.State row) {
        try {
            return PluginJar.read(jar(row)).dependencyIds();
        } catch (RuntimeException e) {
            // An unreadable jar cannot be ordered; loading it fails below and is logged there.
            return List.of();
        }
    }
}
