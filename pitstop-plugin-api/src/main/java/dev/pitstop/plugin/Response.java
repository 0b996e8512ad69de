package dev.pitstop.plugin;

import java.util.Map;

/** A status and a body that the node writes as JSON. */
public record Response(int status, Object body) {

    public static Response ok(Object body) {
        return new Response(200, body);
    }

    public static Response created(Object body) {
        return new Response(201, body);
    }

    public static Response notFound(String message) {
        return new Response(404, Map.of("error", message));
    }

    public static Response badRequest(String message) {
        return new Response(400, Map.of("error", message));
    }
}
