package dev.pitstop.node.plugin;

import dev.pitstop.plugin.AppPlugin;
import dev.pitstop.plugin.Handler;
import dev.pitstop.plugin.PluginContext;
import dev.pitstop.plugin.Routes;
import dev.pitstop.plugin.WsHandler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginStatusProvider;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads plugin jars with PF4J, each in its own class loader, and starts and stops them, keeping
 * the route tables in step. PF4J resolves dependencies and stops dependents with the plugins they
 * need; whether a plugin should run is not PF4J's business but the database's ({@link PluginStates}),
 * so PF4J is told every plugin is enabled.
 */
public final class PluginHost implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PluginHost.class);

    private final PluginManager manager;
    private final DataSource dataSource;
    private final String nodeId;
    private final RouteTable<Handler> routes;
    private final RouteTable<WsHandler> webSockets;
    private final OpenWebSockets openWebSockets;

    public PluginHost(Path pluginsRoot, DataSource dataSource, String nodeId, RouteTable<Handler> routes,
                      RouteTable<WsHandler> webSockets, OpenWebSockets openWebSockets) {
        this.manager = new DatabaseStatePluginManager(pluginsRoot);
        this.dataSource = dataSource;
        this.nodeId = nodeId;
        this.routes = routes;
        this.webSockets = webSockets;
        this.openWebSockets = openWebSockets;
    }

    /** Loads the jar; its dependencies must be loaded already. */
    public synchronized void load(Path jar) {
        manager.loadPlugin(jar);
    }

    /** Stops and unloads the plugin and, as PF4J does, every plugin that depends on it. */
    public synchronized void unload(String id) {
        manager.unloadPlugin(id);
        removeRoutesOfStoppedPlugins();
    }

    /** The loaded plugins, dependencies before their dependents. */
    public synchronized List<PluginWrapper> loaded() {
        return List.copyOf(manager.getResolvedPlugins());
    }

    /** The version of the loaded plugin with this id, or null. */
    public synchronized String loadedVersion(String id) {
        PluginWrapper plugin = manager.getPlugin(id);
        return plugin == null ? null : plugin.getDescriptor().getVersion();
    }

    /** Starts the plugin and registers its routes; on failure nothing of it stays registered. */
    public synchronized void start(String id) {
        PluginState state = manager.startPlugin(id);
        if (state != PluginState.STARTED) {
            throw new IllegalStateException("plugin " + id + " did not start (" + state + ")");
        }
        try {
            AppPlugin plugin = (AppPlugin) manager.getPlugin(id).getPlugin();
            plugin.register(new Context(dataSource, new PluginRoutes(id), nodeId));
        } catch (RuntimeException e) {
            stop(id);
            throw new IllegalStateException("plugin " + id + " failed to register: " + e.getMessage(), e);
        }
        log.info("Plugin {} {} started", id, manager.getPlugin(id).getDescriptor().getVersion());
    }

    /** Stops the plugin and its dependents; their routes go with them. */
    public synchronized void stop(String id) {
        manager.stopPlugin(id);
        removeRoutesOfStoppedPlugins();
        log.info("Plugin {} stopped", id);
    }

    public synchronized boolean isStarted(String id) {
        PluginWrapper plugin = manager.getPlugin(id);
        return plugin != null && plugin.getPluginState() == PluginState.STARTED;
    }

    @Override
    public synchronized void close() {
        // Not manager.stopPlugins(): PF4J 3.15 removes each plugin from the list it iterates and
        // throws ConcurrentModificationException after the first (pf4j/pf4j#656), which skipped the
        // rest of a node's stop. Last started, first stopped, as stopPlugins means to do.
        List<PluginWrapper> started = new ArrayList<>(manager.getStartedPlugins());
        Collections.reverse(started);
        for (PluginWrapper plugin : started) {
            manager.stopPlugin(plugin.getPluginId());
        }
        manager.unloadPlugins();
    }

    /** The routes and open WebSocket connections of every plugin that no longer runs go. */
    private void removeRoutesOfStoppedPlugins() {
        Set<String> stopped = new HashSet<>();
        for (PluginWrapper plugin : manager.getPlugins()) {
            if (plugin.getPluginState() != PluginState.STARTED) {
                stopped.add(plugin.getPluginId());
            }
        }
        for (RouteTable<?> table : List.of(routes, webSockets)) {
            table.pluginIds().stream().filter(id -> manager.getPlugin(id) == null).forEach(stopped::add);
        }
        for (String id : stopped) {
            routes.removeAll(id);
            webSockets.removeAll(id);
            openWebSockets.closeAll(id);
        }
    }

    private record Context(DataSource dataSource, Routes routes, String nodeId) implements PluginContext {
    }

    /** The routes one plugin adds, registered under its id. */
    private final class PluginRoutes implements Routes {
        private final String pluginId;

        PluginRoutes(String pluginId) {
            this.pluginId = pluginId;
        }

        @Override
        public void add(String method, String path, Handler handler) {
            routes.add(pluginId, method, path, handler);
        }

        @Override
        public void ws(String path, WsHandler handler) {
            webSockets.add(pluginId, "GET", path, handler);
        }
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
