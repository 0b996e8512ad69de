package dev.pitstop.node.plugin;

import static dev.pitstop.node.plugin.PluginChangeException.Reason.CONFLICT;
import static dev.pitstop.node.plugin.PluginChangeException.Reason.FAILED;
import static dev.pitstop.node.plugin.PluginChangeException.Reason.NOT_FOUND;
import static dev.pitstop.node.plugin.PluginChangeException.Reason.POLICY;

import dev.pitstop.control.AdvisoryLock;
import dev.pitstop.control.AuditLog;
import dev.pitstop.control.Cluster;
import dev.pitstop.control.Requester;
import dev.pitstop.db.DbSettings;
import dev.pitstop.node.install.MigrationFailedException;
import dev.pitstop.node.install.Migrations;
import dev.pitstop.release.Versions;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The plugin lifecycle as the admin API offers it: add, enable, disable, upgrade, remove. Each
 * change is checked against the cluster's policy, runs under a cluster-wide lock, changes the
 * database only when everything before it succeeded, and is written to the audit log. The nodes
 * (this one included) then load or unload the plugin when notified ({@link PluginReconciler}).
 */
public final class PluginManagement {

    private final DbSettings db;
    private final DataSource dataSource;
    private final String nodeId;
    private final String releaseVersion;
    private final PluginStates states;
    private final PluginStore store;
    private final Map<String, PluginJar> bundled;
    private final Cluster cluster;
    private final AuditLog audit;

    public PluginManagement(DbSettings db, DataSource dataSource, String nodeId, String releaseVersion,
                            PluginStates states, PluginStore store, Map<String, PluginJar> bundled) {
        this.db = db;
        this.dataSource = dataSource;
        this.nodeId = nodeId;
        this.releaseVersion = releaseVersion;
        this.states = states;
        this.store = store;
        this.bundled = bundled;
        this.cluster = new Cluster(dataSource);
        this.audit = new AuditLog(dataSource);
    }

    /** Stores an uploaded jar as a new, disabled plugin. */
    public PluginStates.State add(Path upload, Requester requester) {
        return change("plugin add", uploadedId(upload), requester, () -> {
            PluginJar jar = checkedJar(upload);
            if (states.all().containsKey(jar.id()) || bundled.containsKey(jar.id())) {
                throw new PluginChangeException(CONFLICT, "plugin " + jar.id()
                        + " is already in the cluster; use 'pitstop plugin upgrade' to install another version");
            }
            PluginStates.State state = new PluginStates.State(jar.id(), jar.version(), false, false, store.store(jar));
            states.save(state);
            return state;
        });
    }

    /** The plugin id of an upload for the audit log, which records refused uploads too. */
    private static String uploadedId(Path upload) {
        try {
            return PluginJar.read(upload).id();
        } catch (PluginChangeException e) {
            return "(an invalid jar)";
        }
    }

    /** Enables the plugin, running its install migrations the first time. */
    public PluginStates.State enable(String id, Requester requester) {
        return change("plugin enable", id, requester, () -> {
            Map<String, PluginStates.State> all = states.all();
            PluginStates.State state = existing(all, id);
            if (state.enabled()) {
                return state;
            }
            PluginJar jar = PluginJar.read(jarPath(state));
            List<String> missing = jar.dependencyIds().stream()
                    .filter(dep -> all.get(dep) == null || !all.get(dep).active()).toList();
            if (!missing.isEmpty()) {
                throw new PluginChangeException(CONFLICT, "plugin " + id + " needs " + String.join(", ", missing)
                        + " enabled first");
            }
            String incompatible = jar.incompatibilityWith(releaseVersion);
            if (incompatible != null) {
                throw new PluginChangeException(CONFLICT, incompatible);
            }
            migrate(id, jar.path());
            PluginStates.State enabled = new PluginStates.State(id, state.version(), true, true, state.file());
            states.save(enabled);
            return enabled;
        });
    }

    /** Disables the plugin; its tables and data stay. */
    public PluginStates.State disable(String id, Requester requester) {
        return change("plugin disable", id, requester, () -> {
            Map<String, PluginStates.State> all = states.all();
            PluginStates.State state = existing(all, id);
            List<String> dependents = enabledDependents(all, id);
            if (!dependents.isEmpty()) {
                throw new PluginChangeException(CONFLICT, "plugin " + id + " is needed by " + String.join(", ", dependents)
                        + "; disable those first");
            }
            PluginStates.State disabled = new PluginStates.State(id, state.version(), false, state.installed(), state.file());
            states.save(disabled);
            return disabled;
        });
    }

    /** Replaces the plugin's jar with a newer version, running the new version's migrations if it is installed. */
    public PluginStates.State upgrade(String id, Path upload, Requester requester) {
        return change("plugin upgrade", id, requester, () -> {
            PluginJar jar = checkedJar(upload);
            PluginStates.State state = existing(states.all(), id);
            if (!jar.id().equals(id)) {
                throw new PluginChangeException(CONFLICT, upload.getFileName() + " is plugin " + jar.id() + ", not " + id);
            }
            if (state.file() == null) {
                throw new PluginChangeException(CONFLICT, "plugin " + id
                        + " is bundled with the release; it changes with 'pitstop upgrade'");
            }
            if (Versions.compare(jar.version(), state.version()) <= 0) {
                throw new PluginChangeException(CONFLICT, "plugin " + id + " " + jar.version()
                        + " is not newer than the installed " + state.version());
            }
            String file = store.store(jar);
            if (state.installed()) {
                try {
                    migrate(id, store.path(file));
                } catch (PluginChangeException e) {
                    store.delete(file);
                    throw e;
                }
            }
            PluginStates.State upgraded = new PluginStates.State(id, jar.version(), state.enabled(), state.installed(), file);
            states.save(upgraded);
            store.delete(state.file());
            return upgraded;
        });
    }

    /** Removes a disabled plugin that was added at run time, and with {@code dropData} its tables. */
    public PluginStates.State remove(String id, boolean dropData, Requester requester) {
        return change("plugin remove" + (dropData ? " --drop-data" : ""), id, requester, () -> {
            Map<String, PluginStates.State> all = states.all();
            PluginStates.State state = existing(all, id);
            if (state.enabled()) {
                throw new PluginChangeException(CONFLICT, "plugin " + id + " is enabled; disable it first");
            }
            if (state.file() == null) {
                throw new PluginChangeException(CONFLICT, "plugin " + id + " is bundled with the release and cannot be removed;"
                        + " disable it instead");
            }
            List<String> dependents = all.values().stream()
                    .filter(other -> dependsOn(other, id)).map(PluginStates.State::id).toList();
            if (!dependents.isEmpty()) {
                throw new PluginChangeException(CONFLICT, "plugin " + id + " is needed by " + String.join(", ", dependents)
                        + "; remove those first");
            }
            if (dropData && state.installed()) {
                try {
                    Migrations.uninstallPlugin(dataSource, id, store.path(state.file()));
                } catch (SQLException e) {
                    throw new PluginChangeException(FAILED, "the uninstall script of plugin " + id
                            + " failed and was rolled back; nothing was changed: " + e.getMessage(), e);
                } catch (IllegalStateException e) {
                    throw new PluginChangeException(CONFLICT, e.getMessage());
                }
            }
            states.delete(id);
            store.delete(state.file());
            return state;
        });
    }

    /** The jar a plugin runs from. */
    public Path jarPath(PluginStates.State state) {
        return state.file() != null ? store.path(state.file()) : bundled.get(state.id()).path();
    }

    /** Receives an upload into the plugin store's private temporary file; the caller deletes it if still there. */
    /**
     * Saves an upload of at most {@code maxBytes}, declared as {@code declaredLength} (-1 when not
     * declared), once the policy allows a change: a refused or oversized upload is never written.
     */
    public Path receive(String operation, Requester requester, long declaredLength, InputStream upload, long maxBytes) {
        try {
            String refusal = cluster.policy().pluginChangeRefusal();
            if (refusal != null) {
                throw new PluginChangeException(POLICY, refusal);
            }
            if (declaredLength > maxBytes) {
                throw PluginStore.tooLarge(maxBytes);
            }
            return store.receive(upload, maxBytes);
        } catch (PluginChangeException e) {
            audit.record(operation, "(not read)", requester.actor(), requester.origin(), "refused", e.getMessage());
            throw e;
        }
    }

    /** A plugin as the admin API shows it. */
    public record View(String id, String version, boolean enabled, boolean installed, boolean bundled,
                       String requires, List<String> dependencies, boolean loaded) {
    }

    public List<View> list(Predicate<String> loadedHere) {
        return states.all().values().stream().map(state -> view(state, loadedHere)).toList();
    }

    public View view(PluginStates.State state, Predicate<String> loadedHere) {
        PluginJar jar = PluginJar.read(jarPath(state));
        return new View(state.id(), state.version(), state.enabled(), state.installed(), state.file() == null,
                jar.descriptor().getRequires(), jar.dependencyIds(), loadedHere.test(state.id()));
    }

    private PluginJar checkedJar(Path upload) {
        PluginJar jar = PluginJar.read(upload);
        String incompatible = jar.incompatibilityWith(releaseVersion);
        if (incompatible != null) {
            throw new PluginChangeException(PluginChangeException.Reason.INVALID, incompatible);
        }
        Map<String, PluginStates.State> all = states.all();
        List<String> missing = jar.dependencyIds().stream()
                .filter(dep -> !all.containsKey(dep) && !bundled.containsKey(dep)).toList();
        if (!missing.isEmpty()) {
            throw new PluginChangeException(PluginChangeException.Reason.INVALID, "plugin " + jar.id()
                    + " depends on " + String.join(", ", missing) + ", which the cluster does not have; add "
                    + (missing.size() == 1 ? "it" : "them") + " first");
        }
        return jar;
    }

    private void migrate(String id, Path jar) {
        try {
            Migrations.migratePlugin(dataSource, id, jar);
        } catch (MigrationFailedException e) {
            throw new PluginChangeException(FAILED, e.getMessage() + "; the plugin's schema and state are unchanged", e);
        }
    }

    private PluginStates.State existing(Map<String, PluginStates.State> all, String id) {
        PluginStates.State state = all.get(id);
        if (state == null) {
            throw new PluginChangeException(NOT_FOUND, "the cluster has no plugin " + id
                    + " (see 'pitstop plugin list'; add a jar with 'pitstop plugin add FILE')");
        }
        return state;
    }

    private List<String> enabledDependents(Map<String, PluginStates.State> all, String id) {
        return all.values().stream().filter(PluginStates.State::enabled)
                .filter(other -> dependsOn(other, id)).map(PluginStates.State::id).toList();
    }

    private boolean dependsOn(PluginStates.State other, String id) {
        return !other.id().equals(id) && PluginJar.read(jarPath(other)).dependencyIds().contains(id);
    }

    private <T> T change(String operation, String target, Requester requester, Supplier<T> work) {
        try {
            String refusal = cluster.policy().pluginChangeRefusal();
            if (refusal != null) {
                throw new PluginChangeException(POLICY, refusal);
            }
            Optional<AdvisoryLock> lock = AdvisoryLock.tryAcquire(db, AdvisoryLock.PLUGIN_CHANGE, nodeId + " (" + operation + ")");
            if (lock.isEmpty()) {
                throw new PluginChangeException(CONFLICT, "another plugin change is running; retry when it has finished");
            }
            try (AdvisoryLock held = lock.get()) {
                T result = work.get();
                audit.record(operation, target, requester.actor(), requester.origin(), "succeeded", null);
                return result;
            }
        } catch (PluginChangeException e) {
            audit.record(operation, target, requester.actor(), requester.origin(),
                    e.reason() == FAILED ? "failed" : "refused", e.getMessage());
            throw e;
        } catch (SQLException e) {
            throw new PluginChangeException(FAILED, "cannot reach the database to change plugins: " + e.getMessage(), e);
        }
    }
}
