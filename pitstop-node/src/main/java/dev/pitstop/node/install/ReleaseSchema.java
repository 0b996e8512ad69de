package dev.pitstop.node.install;

import dev.pitstop.node.plugin.DependencyOrder;
import dev.pitstop.node.plugin.PluginJar;
import dev.pitstop.node.plugin.PluginStates;
import dev.pitstop.node.plugin.PluginStore;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * What installing a release, or upgrading to it, does to the application schema: the core's
 * migrations, then each bundled plugin's in dependency order, and the plugins' recorded state.
 * {@link Installer} decides when, and makes sure only one node does it.
 */
public final class ReleaseSchema {

    private final DataSource dataSource;
    private final PluginStates states;
    private final PluginStore store;
    private final String releaseVersion;
    private final List<PluginJar> bundled;

    public ReleaseSchema(DataSource dataSource, PluginStates states, PluginStore store, String releaseVersion,
                         Collection<PluginJar> bundled) {
        this.dataSource = dataSource;
        this.states = states;
        this.store = store;
        this.releaseVersion = releaseVersion;
        this.bundled = DependencyOrder.sort(bundled, PluginJar::id, PluginJar::dependencyIds);
    }

    /** An empty database gets the core and every bundled plugin, installed and enabled. */
    public void install() {
        Migrations.migrateCore(dataSource);
        for (PluginJar plugin : bundled) {
            Migrations.migratePlugin(dataSource, plugin.id(), plugin.path());
            states.save(new PluginStates.State(plugin.id(), plugin.version(), true, true, null));
        }
    }

    /**
     * Brings the schema from the installed release to this one: the core's new migrations, then
     * each installed bundled plugin's (a plugin new in this release is installed and enabled).
     * Plugins added at run time must accept the new release, or nothing is changed.
     */
    public void upgrade() {
        Map<String, PluginStates.State> rows = states.all();
        for (PluginStates.State row : rows.values()) {
            if (row.file() != null && row.installed()) {
                String incompatible = PluginJar.read(store.path(row.file())).incompatibilityWith(releaseVersion);
                if (incompatible != null) {
                    throw new IllegalStateException("cannot upgrade: " + incompatible + "; upgrade or remove the plugin first");
                }
            }
        }
        Migrations.migrateCore(dataSource);
        for (PluginJar plugin : bundled) {
            PluginStates.State row = rows.get(plugin.id());
            boolean installed = row == null || row.installed();
            if (installed) {
                Migrations.migratePlugin(dataSource, plugin.id(), plugin.path());
            }
            boolean enabled = row == null || row.enabled();
            states.save(new PluginStates.State(plugin.id(), plugin.version(), enabled, installed, null));
        }
    }
}
