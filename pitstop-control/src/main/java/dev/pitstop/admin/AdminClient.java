package dev.pitstop.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pitstop.procedure.OperationException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.net.ssl.SSLContext;

/**
 * The nodes' admin API, reached through the gateway (which passes {@code /admin/} even while the
 * status page is up). Every request carries a token, whose name the nodes record in the audit log. The nodes enforce the policy; a refusal comes back as an
 * {@link OperationException} of kind REFUSED with their message.
 */
public final class AdminClient {

    /** The plugin descriptor at the root of a plugin jar. */
    private static final String DESCRIPTOR = "plugin.properties";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Enabling or upgrading a plugin runs its migrations, which may take a while on a large database. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(10);

    private final String url;
    private final String token;
    private final HttpClient client;

    /**
     * @param url   the admin API's base URL ({@code admin} in cluster.json)
     * @param trust the certificates an HTTPS admin API must be signed by; null for the runtime's CAs
     */
    public AdminClient(String url, String token, SSLContext trust) {
        this.url = url;
        this.token = token;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT);
        this.client = (trust == null ? builder : builder.sslContext(trust)).build();
    }

    /** {@code [{"id", "version", "enabled", "installed", "bundled", "requires", "dependencies", "loaded"}]}. */
    public JsonNode plugins() {
        return send("GET", "/admin/plugins", HttpRequest.BodyPublishers.noBody(), null);
    }

    /** Validates the jar and stores it in the cluster's storage, disabled; returns the plugin. */
    public JsonNode add(Path jar) {
        return send("POST", "/admin/plugins", jarBody(jar), "application/java-archive");
    }

    /** Installs (runs its migrations, the first time) and loads the plugin on every node. */
    public JsonNode enable(String id) {
        return send("POST", "/admin/plugins/" + encode(id) + "/enable", HttpRequest.BodyPublishers.noBody(), null);
    }

    /** Unloads the plugin from every node; its data stays. */
    public JsonNode disable(String id) {
        return send("POST", "/admin/plugins/" + encode(id) + "/disable", HttpRequest.BodyPublishers.noBody(), null);
    }

    /** Replaces the plugin with the newer version in the jar, running its new migrations. */
    public JsonNode upgrade(Path jar) {
        HttpRequest.BodyPublisher body = jarBody(jar);
        return send("PUT", "/admin/plugins/" + encode(pluginId(jar)), body, "application/java-archive");
    }

    /** Removes a disabled plugin; with {@code dropData} its uninstall runs and its data goes. */
    public JsonNode remove(String id, boolean dropData) {
        return send("DELETE", "/admin/plugins/" + encode(id) + (dropData ? "?drop-data=true" : ""),
                HttpRequest.BodyPublishers.noBody(), null);
    }

    /** {@code [{"name", "role", "createdAt", "rotatedAt"}]}: never a token's value. */
    public JsonNode tokens() {
        return send("GET", "/admin/tokens", HttpRequest.BodyPublishers.noBody(), null);
    }

    /** Creates a named token; the answer's {@code token} is its value, which nothing else keeps. */
    public JsonNode createToken(String name, String role) {
        String body = JSON.createObjectNode().put("name", name).put("role", role).toString();
        return send("POST", "/admin/tokens", HttpRequest.BodyPublishers.ofString(body), "application/json");
    }

    /** Gives the token a new value (in the answer's {@code token}); the old one stops working at once. */
    public JsonNode rotateToken(String name) {
        return send("POST", "/admin/tokens/" + encode(name) + "/rotate", HttpRequest.BodyPublishers.noBody(), null);
    }

    public JsonNode revokeToken(String name) {
        return send("DELETE", "/admin/tokens/" + encode(name), HttpRequest.BodyPublishers.noBody(), null);
    }

    /**
     * The id in the jar's descriptor, which names the plugin an upgrade replaces. Only the id is
     * read here; the nodes check the whole jar.
     */
    private static String pluginId(Path jar) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry(DESCRIPTOR);
            if (entry != null) {
                Properties descriptor = new Properties();
                try (InputStream in = zip.getInputStream(entry)) {
                    descriptor.load(in);
                }
                String id = descriptor.getProperty("plugin.id");
                if (id != null && !id.isBlank()) {
                    return id.strip();
                }
            }
        } catch (IOException e) {
            throw OperationException.refused(jar.getFileName() + " is not a valid jar (zip) file: " + e.getMessage()
                    + "; nothing was changed");
        }
        throw OperationException.refused(jar.getFileName() + " is not a plugin: it has no " + DESCRIPTOR
                + " with a plugin.id at its root; nothing was changed");
    }

    private static HttpRequest.BodyPublisher jarBody(Path jar) {
        try {
            return HttpRequest.BodyPublishers.ofByteArray(Files.readAllBytes(jar));
        } catch (IOException e) {
            throw OperationException.invalid("cannot read the plugin jar " + jar.toAbsolutePath() + ": " + e.getMessage());
        }
    }

    private JsonNode send(String method, String path, HttpRequest.BodyPublisher body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
                .header("Authorization", "Bearer " + token)
                .timeout(REQUEST_TIMEOUT)
                .method(method, body);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw OperationException.failed("cannot reach the admin API at " + url + ": " + e.getMessage()
                    + "; is the cluster running? (see: pitstop status)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OperationException.failed("interrupted while waiting for " + method + " " + path
                    + "; see 'pitstop plugin list' for what the cluster has now");
        }
        JsonNode answer = parse(response);
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return answer;
        }
        String message = answer.path("error").asText(null);
        if (message == null) {
            message = "the admin API answered " + status + " to " + method + " " + path;
        }
        throw switch (status) {
            case 403, 404, 409, 422 -> OperationException.refused(message);
            case 401 -> OperationException.failed("the admin API rejected the admin token (" + message + "); "
                    + "is cluster.json's tokenFile the one this cluster was started with?");
            default -> OperationException.failed(message);
        };
    }

    private static JsonNode parse(HttpResponse<String> response) {
        try {
            return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static String encode(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8);
    }
}
