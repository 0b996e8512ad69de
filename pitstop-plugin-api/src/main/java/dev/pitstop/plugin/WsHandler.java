package dev.pitstop.plugin;

/**
 * A WebSocket route: what a plugin does with each connection a client opens on it. Only
 * {@link #onMessage} must be written; an echo is {@code (session, message) -> session.send(message)}.
 * A connection stays on the node that accepted it; when that node drains, the client is closed with
 * 1001 (going away) and should reconnect, to another node.
 */
@FunctionalInterface
public interface WsHandler {

    /** A text message from the client. Throwing closes the connection with 1011 (server error). */
    void onMessage(WsSession session, String message) throws Exception;

    /** The connection is open. Throwing closes it with 1011 (server error). */
    default void onConnect(WsSession session) throws Exception {
    }

    /** The connection is closed, by either side; nothing can be sent any more. */
    default void onClose(WsSession session, int statusCode, String reason) {
    }
}
