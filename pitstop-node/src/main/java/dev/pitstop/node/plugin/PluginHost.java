package dev.pitstop.node.plugin;

import dev.pitstop.node.install.Migrations;
import dev.pitstop.plugin.AppPlugin;
import dev.pitstop.plugin.PluginContext;
import dev.pitstop.plugin.Routes;
import dev.pitstop.release.Versions;
import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginState;
import org.pf4j.PluginStatusProvider;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads plugin jars with PF4J, each in its own class loader, and starts and stops them. PF4J
 * resolves dependencies and orders plugins; whether a plugin is enabled is not PF4J's business
 * but the database's ({@link PluginStates}), so PF4J is told every plugin is enabled.
 */
public final class PluginHost implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PluginHost.class);

    private final PluginManager manager;
    private final String releaseVersion;
    private final DataSource dataSource;
    private final RouteTable routes;

    public PluginHost(Path pluginsRoot, String releaseVersion, DataSource dataSource, RouteTable routes) {
        this.manager = new DatabaseStatePluginManager(pluginsRoot);
        this.releaseVersion = releaseVersion;
        this.dataSource = dataSource;
        this.routes = routes;
    }

    /** Reads and resolves the given jars; the plugins come back in dependency order. */
    public List<PluginWrapper> load(List<Path> jars) {
        for (Path jar : jars) {
            try {
                String id = manager.loadPlugin(jar);
                checkRequires(manager.getPlugin(id).getDescriptor(), jar);
            } catch (PluginRuntimeException e) {
                throw new IllegalStateException("cannot load plugin " + jar.getFileName() + ": " + e.getMessage(), e);
            }
        }
        return manager.getResolvedPlugins();
    }

    public void migrate(PluginWrapper plugin) {
        Migrations.migratePlugin(dataSource, plugin.getPluginId(), plugin.getPluginClassLoader());
    }

    /** Starts the plugin and registers its routes; on failure nothing of it stays registered. */
    public void start(String id) {
        PluginState state = manager.startPlugin(id);
        if (state != PluginState.STARTED) {
            throw new IllegalStateException("plugin " + id + " did not start (" + state + ")");
        }
        try {
            AppPlugin plugin = (AppPlugin) manager.getPlugin(id).getPlugin();
            Routes pluginRoutes = (method, path, handler) -> routes.add(id, method, path, handler);
            plugin.register(new Context(dataSource, pluginRoutes));
        } catch (RuntimeException e) {
            stop(id);
            throw new IllegalStateException("plugin " + id + " failed to register: " + e.getMessage(), e);
        }
        log.info("Plugin {} {} started", id, manager.getPlugin(id).getDescriptor().getVersion());
    }

    public void stop(String id) {
        routes.removeAll(id);
        manager.stopPlugin(id);
    }

    public boolean isStarted(String id) {
        PluginWrapper plugin = manager.getPlugin(id);
        return plugin != null && plugin.getPluginState() == PluginState.STARTED;
    }

    @Override
    public void close() {
        manager.stopPlugins();
        manager.unloadPlugins();
    }

    private void checkRequires(PluginDescriptor descriptor, Path jar) {
        if (!Versions.satisfies(releaseVersion, descriptor.getRequires())) {
            throw new IllegalStateException("plugin " + descriptor.getPluginId() + " " + descriptor.getVersion()
                    + " (" + jar.getFileName() + ") requires release " + descriptor.getRequires()
                    + ", but this release is " + releaseVersion);
        }
    }

    private record Context(DataSource dataSource, Routes routes) implements PluginContext {
    }

    private static final class DatabaseStatePluginManager extends DefaultPluginManager {

        DatabaseStatePluginManager(Path pluginsRoot) {
            super(pluginsRoot);
        }

        @Override
        protected PluginStatusProvider createPluginStatusProvider() {
            return new PluginStatusProvider() {
                @Override
                public boolean isPluginDisabled(String pluginId) {
                    return false;
                }

                @Override
                public void disablePlugin(String pluginId) {
                    throw new UnsupportedOperationException("plugin state is kept in the database");
                }

                @Override
                public void enablePlugin(String pluginId) {
                    throw new UnsupportedOperationException("plugin state is kept in the database");
                }
            };
        }
    }
}
