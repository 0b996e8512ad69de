package dev.pitstop.supervisor;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pitstop.driver.NodeDriver;
import dev.pitstop.driver.NodeFailedException;
import dev.pitstop.driver.NodeStatus;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.procedure.ProcessPluginCommands;
import dev.pitstop.release.ProcessNode;
import dev.pitstop.release.Release;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The nodes of a local cluster, driven from another process through its supervisor's control API
 * ({@link ControlApi}): what procedures run by the CLI use.
 */
public final class SupervisorNodeDriver implements NodeDriver, ProcessPluginCommands {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** A stop drains the node (its shutdown timeout) and kills it only past a grace: allow for both. */
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration QUICK_TIMEOUT = Duration.ofSeconds(30);
    /** What a wait for readiness may take beyond its own timeout: the answer's round trip. */
    private static final Duration AWAIT_MARGIN = Duration.ofSeconds(30);

    private final String url;
    private final String adminToken;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

    /**
     * @param url        the control API's URL, from {@code cluster.json}
     * @param adminToken the cluster's admin token
     */
    public SupervisorNodeDriver(String url, String adminToken) {
        this.url = url;
        this.adminToken = adminToken;
    }

    @Override
    public List<String> nodeIds() {
        return nodes().stream().map(NodeStatus::id).toList();
    }

    @Override
    public void start(String nodeId) {
        send("POST", "/nodes/" + nodeId + "/start", null, QUICK_TIMEOUT, nodeId);
    }

    @Override
    public void stop(String nodeId) {
        send("POST", "/nodes/" + nodeId + "/stop", null, STOP_TIMEOUT, nodeId);
    }

    @Override
    public void useRelease(Release release) {
        send("PUT", "/release", Map.of("dir", release.dir().toString()), QUICK_TIMEOUT, null);
    }

    @Override
    public void useRelease(String nodeId, Release release) {
        send("PUT", "/nodes/" + nodeId + "/release", Map.of("dir", release.dir().toString()), QUICK_TIMEOUT, nodeId);
    }

    @Override
    public boolean runsMixedReleases() {
        return true;
    }

    @Override
    public List<NodeStatus> nodes() {
        try {
            return JSON.readValue(send("GET", "/nodes", null, QUICK_TIMEOUT, null), new TypeReference<>() {
            });
        } catch (IOException e) {
            throw OperationException.failed("the supervisor's control API at " + url + " answered GET /nodes with "
                    + "something that is not a node list: " + e.getMessage());
        }
    }

    @Override
    public void awaitReady(String nodeId, Duration timeout) {
        send("POST", "/nodes/" + nodeId + "/await-ready?timeout-seconds=" + timeout.toSeconds(), null,
                timeout.plus(AWAIT_MARGIN), nodeId);
    }

    /** Waits as long as the supervisor lets the command run, and the answer's round trip. */
    @Override
    public List<String> run(String nodeId, ProcessNode.PluginCommand change, String plugin) {
        String body = send("POST", "/nodes/" + nodeId + "/plugins/" + change.label(),
                plugin == null ? Map.of() : Map.of("plugin", plugin), COMMAND_TIMEOUT.plus(AWAIT_MARGIN), nodeId);
        try {
            List<String> output = new ArrayList<>();
            JSON.readTree(body).path("output").forEach(line -> output.add(line.asText()));
            return output;
        } catch (IOException e) {
            throw OperationException.failed("the supervisor's control API at " + url + " answered the " + change.key()
                    + " command with something that is not its output: " + e.getMessage());
        }
    }

    /** Sends a request and returns the body of its 200 answer; anything else becomes the matching exception. */
    private String send(String method, String path, Object body, Duration timeout, String nodeId) {
        HttpResponse<String> response;
        try {
            HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
            HttpRequest request = HttpRequest.newBuilder(URI.create(url + path))
                    .header("Authorization", "Bearer " + adminToken)
                    .header("Content-Type", "application/json")
                    .timeout(timeout)
                    .method(method, publisher)
                    .build();
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw OperationException.failed("cannot reach the supervisor's control API at " + url + " (" + method + " "
                    + path + "): " + e.getMessage() + "; is the cluster running? (see: pitstop status)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OperationException.failed("interrupted while waiting for the supervisor (" + method + " " + path + ")");
        }
        if (response.statusCode() == 200) {
            return response.body();
        }
        JsonNode error = errorOf(response);
        String message = error.path("error").asText("the control API answered " + response.statusCode() + " to "
                + method + " " + path);
        throw switch (response.statusCode()) {
            case 503 -> new NodeFailedException(nodeId, message, error.path("configurationError").asBoolean());
            case 409 -> OperationException.refused(message);
            case 400, 404, 422 -> OperationException.invalid(message);
            default -> OperationException.failed(message);
        };
    }

    private static JsonNode errorOf(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
