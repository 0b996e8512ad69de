package dev.pitstop.supervisor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pitstop.control.NodeState;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Asks a node's {@code /health/ready} whether it serves, and if not, what it is doing. */
final class HealthProbe {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What a node answered.
     *
     * @param state   the node's state, null when it did not answer
     * @param message why it is not ready, or null
     */
    record Answer(NodeState state, String message) {

        boolean ready() {
            return state == NodeState.READY;
        }

        /** Whether the node has stopped trying: it will not become ready unless something changes. */
        boolean stuck() {
            return state == NodeState.FAILED || state == NodeState.INCOMPATIBLE;
        }

        String describe() {
            if (state == null) {
                return message;
            }
            return "state " + state.label() + (message == null ? "" : ": " + message);
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    Answer check(String nodeUrl) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(nodeUrl + "/health/ready")).timeout(TIMEOUT).GET().build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new Answer(null, "not answering HTTP yet");
        }
        if (response.statusCode() == 200) {
            return new Answer(NodeState.READY, null);
        }
        try {
            JsonNode body = JSON.readTree(response.body());
            String state = body.path("state").asText(null);
            return new Answer(state == null ? NodeState.STARTING : NodeState.of(state), body.path("message").asText(null));
        } catch (IOException | IllegalArgumentException e) {
            return new Answer(NodeState.STARTING, "answered " + response.statusCode() + " to /health/ready");
        }
    }
}
