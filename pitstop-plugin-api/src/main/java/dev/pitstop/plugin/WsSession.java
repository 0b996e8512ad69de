package dev.pitstop.plugin;

/** One client's WebSocket connection on a {@link WsHandler} route. */
public interface WsSession {

    /** The value of a {@code {name}} segment of the route's path. */
    String pathParam(String name);

    /** Sends a text message; messages are sent in the order of the calls. */
    void send(String message);

    /** Closes the connection with a status code (1000: normal) and a short reason. */
    void close(int statusCode, String reason);
}
