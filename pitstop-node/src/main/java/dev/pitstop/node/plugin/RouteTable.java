package dev.pitstop.node.plugin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The routes of the loaded plugins of one kind: HTTP ({@code Handler}) or WebSocket
 * ({@code WsHandler}, under method {@code GET}, the upgrade's). Lookups read an immutable snapshot
 * without locking; loading or unloading a plugin replaces the snapshot.
 *
 * @param <H> what serves a matched request
 */
public final class RouteTable<H> {

    private volatile List<Route<H>> routes = List.of();

    /** @param template the route as the plugin declared it ({@code /api/items/{id}}): a metrics label */
    public record Match<H>(String pluginId, H handler, Map<String, String> pathParams, String template) {
    }

    private record Route<H>(String pluginId, String method, String[] segments, H handler, String template) {

        Map<String, String> match(String method, String[] path) {
            if (!this.method.equals(method) || segments.length != path.length) {
                return null;
            }
            Map<String, String> params = null;
            for (int i = 0; i < segments.length; i++) {
                String segment = segments[i];
                if (isParam(segment)) {
                    if (params == null) {
                        params = new HashMap<>(4);
                    }
                    params.put(segment.substring(1, segment.length() - 1), path[i]);
                } else if (!segment.equals(path[i])) {
                    return null;
                }
            }
            return params == null ? Map.of() : params;
        }
    }

    public synchronized void add(String pluginId, String method, String path, H handler) {
        String[] segments = split(path);
        for (Route<H> route : routes) {
            if (route.method.equals(method) && sameShape(route.segments, segments)) {
                throw new IllegalArgumentException("plugin " + pluginId + " route " + method + " " + path
                        + " is already served by plugin " + route.pluginId);
            }
        }
        List<Route<H>> next = new ArrayList<>(routes);
        next.add(new Route<>(pluginId, method, segments, handler, path));
        routes = List.copyOf(next);
    }

    public synchronized void removeAll(String pluginId) {
        routes = routes.stream().filter(r -> !r.pluginId.equals(pluginId)).toList();
    }

    /** The plugins that have routes registered. */
    public java.util.Set<String> pluginIds() {
        return routes.stream().map(Route::pluginId).collect(java.util.stream.Collectors.toSet());
    }

    /** The route for a request, or null. */
    public Match<H> find(String method, String path) {
        String[] parts = split(path);
        for (Route<H> route : routes) {
            Map<String, String> params = route.match(method, parts);
            if (params != null) {
                return new Match<>(route.pluginId, route.handler, params, route.template);
            }
        }
        return null;
    }

    /** Whether any route serves this path with some method, so a wrong method gets 405, not 404. */
    public boolean hasPath(String path) {
        String[] parts = split(path);
        return routes.stream().anyMatch(r -> r.match(r.method, parts) != null);
    }

    private static boolean sameShape(String[] a, String[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (!(isParam(a[i]) && isParam(b[i])) && !a[i].equals(b[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean isParam(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }

    private static String[] split(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.split("/", -1);
    }
}
