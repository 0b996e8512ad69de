package dev.pitstop.node.plugin;

import dev.pitstop.plugin.WsSession;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The WebSocket connections open on each plugin's routes. Removing a plugin's routes stops new
 * connections only; those already open would keep calling the handler of a plugin that no longer
 * runs, whose class loader is gone. So a plugin that stops takes its connections with it, closed
 * with 1001 (going away), as a node's drain closes them: clients reconnect and reach a node where
 * the plugin runs, or learn that none does.
 */
public final class OpenWebSockets {

    /** RFC 6455's "going away": the endpoint leaves, the client may reconnect. */
    static final int GOING_AWAY = 1001;

    private final Map<String, Set<WsSession>> byPlugin = new ConcurrentHashMap<>();

    public void opened(String pluginId, WsSession session) {
        byPlugin.computeIfAbsent(pluginId, id -> ConcurrentHashMap.newKeySet()).add(session);
    }

    public void closed(String pluginId, WsSession session) {
        Set<WsSession> sessions = byPlugin.get(pluginId);
        if (sessions != null) {
            sessions.remove(session);
        }
    }

    /** Closes every connection of the plugin; their close events then call {@link #closed}. */
    void closeAll(String pluginId) {
        Set<WsSession> sessions = byPlugin.remove(pluginId);
        if (sessions != null) {
            sessions.forEach(session -> session.close(GOING_AWAY, "plugin " + pluginId + " stopped on this node"));
        }
    }
}
