package dev.pitstop.node.http;

import dev.pitstop.control.ApiTokens;
import dev.pitstop.control.AuditLog;
import dev.pitstop.control.Requester;
import dev.pitstop.control.Role;
import dev.pitstop.control.Tokens;
import dev.pitstop.node.plugin.PluginManagement;
import dev.pitstop.node.plugin.PluginStates;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The admin API under {@code /admin/}, for operators and the CLI, behind a named bearer token
 * whose role decides what it may do ({@link Role}). It answers in every cluster mode: maintenance
 * is when it is needed most.
 */
final class AdminHandler {

    private final NodeView node;
    private final Supplier<PluginManagement> plugins;
    private final Predicate<String> loadedHere;
    private final BackupEndpoints backups;
    private final ApiTokens apiTokens;
    private final TokenEndpoints tokenEndpoints;
    private final long maxJarBytes;

    AdminHandler(NodeView node, Supplier<PluginManagement> plugins, Predicate<String> loadedHere, BackupEndpoints backups,
                 DataSource dataSource, long maxJarBytes) {
        this.maxJarBytes = maxJarBytes;
        this.node = node;
        this.plugins = plugins;
        this.loadedHere = loadedHere;
        this.backups = backups;
        this.apiTokens = new ApiTokens(dataSource);
        this.tokenEndpoints = new TokenEndpoints(apiTokens, new AuditLog(dataSource));
    }

    void handle(Request request, String path, Response response, Callback callback) {
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        String value = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : null;
        ApiTokens.ApiToken token = authenticate(value);
        if (token == null) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
            Json.write(response, callback, 401, error(
                    "the admin API needs 'Authorization: Bearer <token>' with the token from the cluster's token file"
                    + " or one made by pitstop token create"));
            return;
        }
        Role.Need need = need(request.getMethod(), path);
        if (!token.role().allows(need)) {
            Json.write(response, callback, 403, error("the token '" + token.name() + "' has the role "
                    + token.role().label() + ", which may not " + describe(need) + "; use a token with the role "
                    + (need == Role.Need.MANAGE_TOKENS ? "admin" : "operator or admin")));
            return;
        }
        String method = request.getMethod();
        String[] parts = path.substring("/admin/".length()).split("/");
        try {
            if (path.equals("/admin/node") && method.equals("GET")) {
                Json.write(response, callback, 200, nodeDetails());
            } else if (parts[0].equals("plugins") && plugins.get() != null) {
                plugins(plugins.get(), request, method, parts, requester(request, token), response, callback);
            } else if (parts[0].equals("backups")) {
                backups.handle(request, method, parts, requester(request, token), response, callback);
            } else if (parts[0].equals("tokens")) {
                tokenEndpoints.handle(request, method, parts, requester(request, token), response, callback);
            } else {
                Json.write(response, callback, 404, error("no admin endpoint " + method + " " + path));
            }
        } catch (RuntimeException e) {
            AdminErrors.Answer answer = AdminErrors.answer(e, method, path, node.id());
            Json.write(response, callback, answer.status(), answer.body());
        }
    }

    private void plugins(PluginManagement plugins, Request request, String method, String[] parts, Requester requester,
                         Response response, Callback callback) {
        String id = parts.length > 1 ? parts[1] : null;
        String action = parts.length > 2 ? parts[2] : null;
        String route = method + " " + (id == null ? "" : "{id}") + (action == null ? "" : "/" + action);
        switch (route) {
            case "GET " -> Json.write(response, callback, 200, plugins.list(loadedHere));
            case "POST " -> withUpload(plugins, request, "plugin add", requester, upload ->
                    Json.write(response, callback, 201, plugins.view(plugins.add(upload, requester), loadedHere)));
            case "POST {id}/enable" ->
                    Json.write(response, callback, 200, plugins.view(plugins.enable(id, requester), loadedHere));
            case "POST {id}/disable" ->
                    Json.write(response, callback, 200, plugins.view(plugins.disable(id, requester), loadedHere));
            case "PUT {id}" -> withUpload(plugins, request, "plugin upgrade", requester, upload ->
                    Json.write(response, callback, 200, plugins.view(plugins.upgrade(id, upload, requester), loadedHere)));
            case "DELETE {id}" -> {
                boolean dropData = "true".equals(Request.extractQueryParameters(request).getValue("drop-data"));
                PluginStates.State removed = plugins.remove(id, dropData, requester);
                Json.write(response, callback, 200, Map.of("id", removed.id(), "removed", true, "dataDropped", dropData));
            }
            default -> Json.write(response, callback, 404, error("no admin endpoint " + method + " "
                    + Request.getPathInContext(request)));
        }
    }

    /**
     * Runs {@code work} with the request body saved to a file; the file is gone afterwards unless
     * stored. The policy and the size are checked first: a refused upload is never written.
     */
    private void withUpload(PluginManagement plugins, Request request, String operation, Requester requester,
                            Consumer<Path> work) {
        Path upload;
        try (InputStream body = Content.Source.asInputStream(request)) {
            upload = plugins.receive(operation, requester, request.getLength(), body, maxJarBytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            work.accept(upload);
        } finally {
            try {
                Files.deleteIfExists(upload);
            } catch (IOException e) {
                // a leftover upload is never loaded: its name starts with a dot and is not recorded
            }
        }
    }

    private Map<String, Object> nodeDetails() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", node.id());
        body.put("version", node.version());
        body.put("state", node.state().label());
        body.put("message", node.message());
        body.put("mode", node.mode().maintenance() ? "maintenance" : "serving");
        body.put("plugins", node.plugins());
        return body;
    }

    /**
     * The token's name is who asked: a client names itself in nothing else. The origin is what the
     * gateway saw, which replaces any {@code X-Forwarded-For} a client sends unless it is set to
     * trust a proxy in front of it.
     */
    private static Requester requester(Request request, ApiTokens.ApiToken token) {
        String forwarded = request.getHeaders().get(HttpHeader.X_FORWARDED_FOR);
        return new Requester(token.name(), forwarded != null ? forwarded : Request.getRemoteAddr(request));
    }

    /**
     * The named token this value is, or null. A cluster set up before named tokens existed has only
     * the admin token's hash in its cluster row; that token is the home's admin token.
     */
    ApiTokens.ApiToken authenticate(String value) {
        return apiTokens.authenticate(value).orElseGet(() -> Tokens.matches(value, node.tokens().admin())
                ? new ApiTokens.ApiToken(ApiTokens.HOME_ADMIN, Role.ADMIN, null, null) : null);
    }

    private static Role.Need need(String method, String path) {
        if (path.equals("/admin/tokens") || path.startsWith("/admin/tokens/")) {
            return Role.Need.MANAGE_TOKENS;
        }
        return method.equals("GET") || method.equals("HEAD") ? Role.Need.READ : Role.Need.CHANGE;
    }

    private static String describe(Role.Need need) {
        return switch (need) {
            case READ -> "read";
            case CHANGE -> "change plugins or backups";
            case MANAGE_TOKENS -> "manage tokens";
        };
    }

    private static Map<String, String> error(String message) {
        return Map.of("error", message);
    }
}
