package dev.pitstop.node.http;

import dev.pitstop.control.ClusterMode;
import dev.pitstop.control.NodeState;
import dev.pitstop.control.StatusPage;
import dev.pitstop.control.Tokens;
import dev.pitstop.db.DatabaseFailure;
import dev.pitstop.backup.PasswordSource;
import dev.pitstop.db.DbSettings;
import dev.pitstop.node.NodeConfig;
import dev.pitstop.node.plugin.PluginManagement;
import dev.pitstop.node.plugin.OpenWebSockets;
import dev.pitstop.node.plugin.RouteTable;
import dev.pitstop.plugin.BadRequestException;
import dev.pitstop.plugin.Handler;
import dev.pitstop.plugin.WsHandler;
import java.util.LinkedHashMap;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's endpoints: health and info, always answered; the admin API behind the bearer token;
 * and the plugins' routes, HTTP and WebSocket, answered only while the node is ready and the cluster
 * serving (or the request carries the operators' bypass token).
 */
public final class NodeHandler extends org.eclipse.jetty.server.Handler.Abstract {

    public static final String BYPASS_HEADER = "X-Pitstop-Bypass";
    /** The request attribute holding the template of the plugin route that answered, for the metrics. */
    public static final String ROUTE_ATTRIBUTE = NodeHandler.class.getName() + ".route";

    private static final Logger log = LoggerFactory.getLogger(NodeHandler.class);
    /** The database check runs every second and a restarted database takes seconds: worth a client's wait. */
    private static final int DATABASE_RETRY_AFTER_SECONDS = 5;

    private final NodeView node;
    private final RouteTable<Handler> routes;
    private final RouteTable<WsHandler> webSockets;
    private final OpenWebSockets openWebSockets;
    private final AdminHandler admin;
    private final long maxBodyBytes;

    /**
     * @param plugins    the plugin lifecycle the admin API offers; null while the node cannot change
     *                   plugins (not installed, or incompatible), when the plugin endpoints answer 404
     * @param loadedHere whether a plugin runs on this node
     * @param openWebSockets where each connection on a plugin's WebSocket route is tracked while open
     */
    public NodeHandler(NodeView node, RouteTable<Handler> routes, RouteTable<WsHandler> webSockets,
                       OpenWebSockets openWebSockets, Supplier<PluginManagement> plugins, Predicate<String> loadedHere, Backing backing,
                       NodeConfig.Limits limits) {
        this.node = node;
        this.routes = routes;
        this.webSockets = webSockets;
        this.openWebSockets = openWebSockets;
        this.maxBodyBytes = limits.requestBodyBytes();
        this.admin = new AdminHandler(node, plugins, loadedHere, new BackupEndpoints(node, backing.db(),
                backing.dataSource(), backing.storage(), backing.backupDir(), backing.backupPassword()), backing.dataSource(),
                limits.pluginJarBytes());
    }

    /**
     * Where the node's data lives, for the backup endpoints of the admin API.
     *
     * @param backupPassword the cluster's backup password, used when a request gives none
     */
    public record Backing(DbSettings db, DataSource dataSource, Path storage, Path backupDir,
                          PasswordSource backupPassword) {
    }

    /** Whether {@code value} is a token of the admin API (any role): what {@code /metrics} asks for. */
    public boolean acceptsToken(String value) {
        return admin.authenticate(value) != null;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        switch (path) {
            case "/health/live" -> Json.write(response, callback, 200, Map.of("status", "live", "node", node.id()));
            case "/health/ready" -> ready(response, callback);
            case "/api/info" -> Json.write(response, callback, 200,
                    new NodeView.Info(node.version(), node.id(), node.plugins()));
            default -> {
                if (path.startsWith("/admin/")) {
                    admin.handle(request, path, response, callback);
                } else {
                    application(request, path, response, callback);
                }
            }
        }
        return true;
    }

    private void ready(Response response, Callback callback) {
        NodeState state = node.state();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("node", node.id());
        body.put("version", node.version());
        body.put("state", state.label());
        body.put("mode", node.mode().maintenance() ? "maintenance" : "serving");
        if (node.message() != null) {
            body.put("message", node.message());
        }
        String databaseProblem = node.databaseProblem();
        if (databaseProblem != null) {
            body.put("database", databaseProblem);
        }
        Json.write(response, callback, state == NodeState.READY && databaseProblem == null ? 200 : 503, body);
    }

    private void application(Request request, String path, Response response, Callback callback) {
        // The status page first: in maintenance clients get it whatever this node is doing, even
        // stopping, so that a proxy still sending them here never shows them a node's error.
        ClusterMode mode = node.mode();
        if (mode.maintenance() && !Tokens.matches(request.getHeaders().get(BYPASS_HEADER), node.tokens().bypass())) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(mode.retryAfterSeconds()));
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            Json.html(response, callback, 503, StatusPage.html(mode));
            return;
        }
        NodeState state = node.state();
        if (state != NodeState.READY && !node.draining()) {
            String reason = node.message() == null ? "" : ": " + node.message();
            Json.write(response, callback, 503, Map.of("error", "node " + node.id() + " is " + state.label() + reason));
            return;
        }
        if (node.databaseProblem() != null) {
            databaseUnavailable(response, callback);
            return;
        }
        if (request.getHeaders().contains(HttpHeader.UPGRADE, "websocket")) {
            webSocket(request, path, response, callback);
            return;
        }
        RouteTable.Match<Handler> match = routes.find(request.getMethod(), path);
        if (match == null) {
            int status = routes.hasPath(path) ? 405 : 404;
            Json.write(response, callback, status, Map.of("error", "no route " + request.getMethod() + " " + path));
            return;
        }
        request.setAttribute(ROUTE_ATTRIBUTE, match.template());
        // Refused before the plugin runs and before a byte of the body is read; the rest of the
        // body is discarded by Jetty, which closes the connection rather than read it all.
        if (request.getLength() > maxBodyBytes) {
            Json.write(response, callback, 413, tooLarge(request.getLength()));
            return;
        }
        dev.pitstop.plugin.Response result;
        try {
            result = match.handler().handle(new PluginRequest(request, path, match.pathParams(), maxBodyBytes));
        } catch (Json.TooLarge e) {
            result = new dev.pitstop.plugin.Response(413, tooLarge(-1));
        } catch (BadRequestException e) {
            result = dev.pitstop.plugin.Response.badRequest(e.getMessage());
        } catch (Exception e) {
            if (DatabaseFailure.isConnectionLost(e)) {
                // The check has not noticed yet; the database is gone, not the plugin broken.
                node.databaseConnectionLost();
                databaseUnavailable(response, callback);
                return;
            }
            log.error("Plugin {} failed on {} {}", match.pluginId(), request.getMethod(), path, e);
            result = new dev.pitstop.plugin.Response(500, Map.of("error", "internal error in plugin " + match.pluginId()));
        }
        Json.write(response, callback, result.status(), result.body());
    }

    /** Opens a connection on the plugin's WebSocket route (see {@link HttpServer}, which provides the container). */
    private void webSocket(Request request, String path, Response response, Callback callback) {
        RouteTable.Match<WsHandler> match = webSockets.find(request.getMethod(), path);
        if (match == null) {
            Json.write(response, callback, 404, Map.of("error", "no WebSocket route " + path));
            return;
        }
        request.setAttribute(ROUTE_ATTRIBUTE, match.template());
        boolean upgraded = ServerWebSocketContainer.get(request.getContext()).upgrade(
                (upgrade, upgradeResponse, upgradeCallback) ->
                        new PluginWebSocket(match.pluginId(), match.handler(), match.pathParams(), openWebSockets),
                request, response, callback);
        if (!upgraded) {
            Json.write(response, callback, 400, Map.of("error", "not a valid WebSocket upgrade request for " + path
                    + " (WebSocket version 13 over HTTP/1.1 expected)"));
        }
    }

    private void databaseUnavailable(Response response, Callback callback) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(DATABASE_RETRY_AFTER_SECONDS));
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Json.write(response, callback, 503, Map.of("error", "the database is unreachable; retry shortly",
                "node", node.id()));
    }

    private Map<String, String> tooLarge(long length) {
        return Map.of("error", "the request body is " + (length < 0 ? "larger than " + maxBodyBytes + " bytes"
                : length + " bytes") + "; this cluster's routes take at most " + maxBodyBytes
                + " (limits.request-body-bytes in pitstop.yml)");
    }
}
