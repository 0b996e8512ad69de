package dev.pitstop.procedure;

import dev.pitstop.control.NodeState;
import dev.pitstop.driver.NodeStatus;
import dev.pitstop.home.ClusterConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * Verifies a node before traffic returns to it: it reports ready, and answers each configured
 * check as expected. Checks go to the node itself with the operators' bypass header, since the
 * status page may still be up.
 */
public final class Verification {

    public static final String BYPASS_HEADER = "X-Pitstop-Bypass";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int BODY_SHOWN = 200;

    private final List<ClusterConfig.Check> checks;
    private final String bypassToken;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    public Verification(List<ClusterConfig.Check> checks, String bypassToken) {
        this.checks = List.copyOf(checks);
        this.bypassToken = bypassToken;
    }

    /** "ready and 2 checks", for step names. */
    public String describe() {
        return checks.isEmpty() ? "ready (no checks configured)"
                : "ready and " + checks.size() + (checks.size() == 1 ? " check" : " checks");
    }

    /**
     * @throws OperationException (failed) naming the node, what was expected and what it answered
     */
    public void verify(NodeStatus node) {
        if (node.state() != NodeState.READY) {
            throw OperationException.failed(node.id() + " is not ready: it is " + node.state().label()
                    + (node.message() == null ? "" : " (" + node.message() + ")"));
        }
        for (ClusterConfig.Check check : checks) {
            HttpResponse<String> response = send(node, check);
            boolean statusMatches = response.statusCode() == check.status();
            boolean bodyMatches = check.bodyContains() == null || response.body().contains(check.bodyContains());
            if (!statusMatches || !bodyMatches) {
                String body = response.body().length() > BODY_SHOWN
                        ? response.body().substring(0, BODY_SHOWN) + "…" : response.body();
                throw OperationException.failed("check " + check + " failed on " + node.id() + ": it answered "
                        + response.statusCode() + " " + body.replaceAll("\\s+", " ").strip());
            }
        }
    }

    private HttpResponse<String> send(NodeStatus node, ClusterConfig.Check check) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.url() + check.path()))
                .header(BYPASS_HEADER, bypassToken)
                .timeout(TIMEOUT)
                .method(check.method(), HttpRequest.BodyPublishers.noBody())
                .build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw OperationException.failed("check " + check + " failed on " + node.id() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OperationException.failed("interrupted while checking " + node.id());
        }
    }
}
