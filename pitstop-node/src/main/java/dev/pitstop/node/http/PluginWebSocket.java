package dev.pitstop.node.http;

import dev.pitstop.node.plugin.OpenWebSockets;
import dev.pitstop.plugin.WsHandler;
import dev.pitstop.plugin.WsSession;
import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's connection on a plugin's WebSocket route: Jetty's events handed to the plugin's
 * {@link WsHandler}. A plugin that throws gets its connection closed with 1011, and the client a
 * reason naming the plugin, never the exception's text. Public for Jetty, which calls a listener
 * through method handles and cannot reach a package-private class's methods.
 */
public final class PluginWebSocket implements Session.Listener.AutoDemanding, WsSession {

    private static final Logger log = LoggerFactory.getLogger(PluginWebSocket.class);

    private final String pluginId;
    private final WsHandler handler;
    private final Map<String, String> pathParams;
    private final OpenWebSockets open;
    private volatile Session session;

    PluginWebSocket(String pluginId, WsHandler handler, Map<String, String> pathParams, OpenWebSockets open) {
        this.pluginId = pluginId;
        this.handler = handler;
        this.pathParams = pathParams;
        this.open = open;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        open.opened(pluginId, this);
        try {
            handler.onConnect(this);
        } catch (Exception e) {
            failed("connect", e);
        }
    }

    @Override
    public void onWebSocketText(String message) {
        try {
            handler.onMessage(this, message);
        } catch (Exception e) {
            failed("message", e);
        }
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        callback.succeed();
        close(StatusCode.BAD_DATA, "this route takes text messages only");
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        open.closed(pluginId, this);
        handler.onClose(this, statusCode, reason);
    }

    @Override
    public String pathParam(String name) {
        return pathParams.get(name);
    }

    @Override
    public void send(String message) {
        session.sendText(message, Callback.NOOP);
    }

    @Override
    public void close(int statusCode, String reason) {
        session.close(statusCode, reason, Callback.NOOP);
    }

    private void failed(String event, Exception e) {
        log.error("Plugin {} failed on a WebSocket {} of {}", pluginId, event,
                session.getUpgradeRequest().getRequestURI().getPath(), e);
        close(StatusCode.SERVER_ERROR, "internal error in plugin " + pluginId);
    }
}
