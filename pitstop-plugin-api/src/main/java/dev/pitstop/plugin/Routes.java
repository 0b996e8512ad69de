package dev.pitstop.plugin;

/**
 * HTTP and WebSocket routes a plugin contributes. Paths are literal segments and {@code {name}}
 * parameters, for example {@code /api/items/{id}/comments}.
 */
public interface Routes {

    void add(String method, String path, Handler handler);

    default void get(String path, Handler handler) {
        add("GET", path, handler);
    }

    default void post(String path, Handler handler) {
        add("POST", path, handler);
    }

    default void put(String path, Handler handler) {
        add("PUT", path, handler);
    }

    default void delete(String path, Handler handler) {
        add("DELETE", path, handler);
    }

    /**
     * A WebSocket route: a client's upgrade request to {@code path} opens a connection that
     * {@code handler} serves. Like an HTTP route it answers only while the node serves (in
     * maintenance, only to requests with the bypass header).
     */
    void ws(String path, WsHandler handler);
}
