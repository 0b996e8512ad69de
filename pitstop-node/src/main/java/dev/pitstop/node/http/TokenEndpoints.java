package dev.pitstop.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitstop.control.ApiTokens;
import dev.pitstop.control.AuditLog;
import dev.pitstop.control.Requester;
import dev.pitstop.control.Role;
import dev.pitstop.control.TokenException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The token part of the admin API, for admin tokens only: {@code GET /admin/tokens},
 * {@code POST /admin/tokens {"name", "role"}}, {@code POST /admin/tokens/{name}/rotate},
 * {@code DELETE /admin/tokens/{name}}. A new value is in the answer to create and rotate, and
 * nowhere else. The home's own admin token is changed through its file, not here: the CLI and
 * the supervisor hold it.
 */
final class TokenEndpoints {

    private final ApiTokens tokens;
    private final AuditLog audit;

    TokenEndpoints(ApiTokens tokens, AuditLog audit) {
        this.tokens = tokens;
        this.audit = audit;
    }

    void handle(Request request, String method, String[] parts, Requester requester, Response response,
                Callback callback) {
        String name = parts.length > 1 ? parts[1] : null;
        String action = parts.length > 2 ? parts[2] : null;
        String route = method + " " + (name == null ? "" : "{name}") + (action == null ? "" : "/" + action);
        switch (route) {
            case "GET " -> Json.write(response, callback, 200, tokens.list().stream().map(TokenEndpoints::view).toList());
            case "POST " -> {
                JsonNode body = Json.body(request);
                String created = body.path("name").asText(null);
                Role role = role(body.path("role").asText("operator"));
                String value = tokens.create(created, role);
                audit.record("token create", created, requester.actor(), requester.origin(), "succeeded", role.label());
                Json.write(response, callback, 201, withValue(tokens.find(created).orElseThrow(), value));
            }
            case "POST {name}/rotate" -> {
                requireNotHome(name, "rotated");
                String value = tokens.rotate(name);
                audit.record("token rotate", name, requester.actor(), requester.origin(), "succeeded", null);
                Json.write(response, callback, 200, withValue(tokens.find(name).orElseThrow(), value));
            }
            case "DELETE {name}" -> {
                requireNotHome(name, "revoked");
                tokens.revoke(name);
                audit.record("token revoke", name, requester.actor(), requester.origin(), "succeeded", null);
                Json.write(response, callback, 200, Map.of("name", name, "revoked", true));
            }
            default -> Json.write(response, callback, 404, Map.of("error", "no admin endpoint " + method + " "
                    + Request.getPathInContext(request)));
        }
    }

    private static void requireNotHome(String name, String what) {
        if (ApiTokens.HOME_ADMIN.equals(name)) {
            throw new TokenException(TokenException.Reason.CONFLICT, "the token '" + name + "' is the home's admin"
                    + " token, which the CLI and the supervisor use; it cannot be " + what + " here. Replace it with"
                    + " pitstop down, then delete the home's admin.token file, then pitstop up");
        }
    }

    private static Role role(String label) {
        try {
            return Role.of(label);
        } catch (IllegalArgumentException e) {
            throw new TokenException(TokenException.Reason.INVALID, e.getMessage());
        }
    }

    private static Map<String, Object> view(ApiTokens.ApiToken token) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", token.name());
        map.put("role", token.role().label());
        map.put("createdAt", token.createdAt().toString());
        map.put("rotatedAt", token.rotatedAt() == null ? null : token.rotatedAt().toString());
        return map;
    }

    private static Map<String, Object> withValue(ApiTokens.ApiToken token, String value) {
        Map<String, Object> map = view(token);
        map.put("token", value);
        return map;
    }
}
