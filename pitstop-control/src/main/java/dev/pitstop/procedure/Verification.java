package dev.pitstop.procedure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.pitstop.config.ConfigException;
import dev.pitstop.control.NodeState;
import dev.pitstop.driver.NodeStatus;
import dev.pitstop.home.ClusterConfig;
import dev.pitstop.release.ProcessNode;
import dev.pitstop.release.Release;
import dev.pitstop.secret.ClusterSecrets;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Verifies a node before traffic returns to it: it reports ready, and answers each check as
 * expected — those of {@code pitstop.yml} and those the release it runs declares ({@code "checks"}
 * in its release.json: NocoBase's sign-in), whichever procedure verifies it. The release is the
 * one the cluster runs unless the caller names another (an upgrade's new release), so no
 * procedure can verify with half the checks. Checks go to the node's URL with the operators'
 * bypass header, since the status page may still be up. When that URL is a load balancer's (a
 * Kubernetes Service), it may take a moment to reach a node that has just become ready: failures
 * are retried for the node driver's routing delay, and only the last one counts.
 */
public final class Verification {

    public static final String BYPASS_HEADER = "X-Pitstop-Bypass";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int BODY_SHOWN = 200;
    private static final Duration RETRY_PAUSE = Duration.ofMillis(500);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<ClusterConfig.Check> checks;
    private final Supplier<Path> runningRelease;
    private final String bypassToken;
    private final Duration routingDelay;
    private final ClusterSecrets secrets;
    /** HTTP/1.1: a Node.js node (NocoBase) takes an HTTP/2 upgrade header for a WebSocket-style upgrade and never answers. */
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();

    /**
     * @param checks         those of {@code pitstop.yml}, for every node
     * @param runningRelease the directory of the release the cluster's nodes run now, asked as a node is
     *                       verified (an upgrade switches it)
     * @param routingDelay   see {@link dev.pitstop.driver.NodeDriver#routingDelay()}
     * @param secrets        what a check's {@code ${secret.NAME}} stands for
     */
    public Verification(List<ClusterConfig.Check> checks, Supplier<Path> runningRelease, String bypassToken,
                        Duration routingDelay, ClusterSecrets secrets) {
        this.checks = List.copyOf(checks);
        this.runningRelease = runningRelease;
        this.bypassToken = bypassToken;
        this.routingDelay = routingDelay;
        this.secrets = secrets;
    }

    /** "ready and 2 checks", for step names: for a node of the release the cluster runs. */
    public String describe() {
        Path release;
        try {
            release = runningRelease.get();
        } catch (RuntimeException e) {
            return describe(checks.size()); // verify says why the release cannot be read, as the step runs
        }
        return describe(release);
    }

    /** The same for a node of the release in {@code releaseDir}, with the checks that release declares. */
    public String describe(Path releaseDir) {
        int declared;
        try {
            declared = ClusterConfig.Check.declaredBy(Release.open(releaseDir)).size();
        } catch (RuntimeException e) {
            declared = 0; // the verification says what is wrong with the release's checks, as the step runs
        }
        return describe(checks.size() + declared);
    }

    private static String describe(int count) {
        return count == 0 ? "ready (no checks configured)" : "ready and " + count + (count == 1 ? " check" : " checks");
    }

    /**
     * Verifies a node of the release the cluster runs: ready, and the checks of {@code pitstop.yml} and of
     * that release.
     *
     * @throws OperationException (failed) naming the node, what was expected and what it answered
     */
    public void verify(NodeStatus node) {
        Release release;
        try {
            release = Release.open(runningRelease.get());
        } catch (IllegalArgumentException e) {
            throw OperationException.failed("cannot verify " + node.id() + ": the release the cluster runs cannot "
                    + "be read: " + e.getMessage());
        }
        List<ClusterConfig.Check> all = checksOf(node, release);
        retried(node, () -> {
            ready(node);
            answers(node, all);
        });
    }

    /**
     * Verifies a node of {@code release} (an online upgrade's, while two releases serve): ready, the checks
     * of {@code pitstop.yml} and of that release, and {@code infoCheck} accepts what the node says of
     * itself ({@code /api/info}: version, plugins), throwing an {@link OperationException} when it is not
     * what is expected.
     */
    public void verify(NodeStatus node, Release release, Consumer<JsonNode> infoCheck) {
        List<ClusterConfig.Check> all = checksOf(node, release);
        retried(node, () -> {
            ready(node);
            answers(node, all);
            infoCheck.accept(info(node));
        });
    }

    /**
     * Verifies that {@code node} serves as a node of {@code release}, asked the way the release says:
     * Pitstop's runtime reports its version and plugins at {@code /api/info}, and must have loaded
     * {@code plugins}; a node described as a process (NocoBase) reports neither, so it must answer its
     * descriptor's health endpoint, the driver having launched it from that release. Then the checks
     * of {@code pitstop.yml} and of that release.
     */
    public void verifyRuns(NodeStatus node, Release release, Supplier<Set<String>> plugins) {
        Optional<ProcessNode> process = ProcessNode.of(release);
        List<ClusterConfig.Check> all = checksOf(node, release);
        retried(node, () -> {
            ready(node);
            if (process.isPresent()) {
                String health = process.get().health().ready();
                HttpResponse<String> answer = send(node, "GET", health, "cannot reach " + node.url() + health);
                if (answer.statusCode() != 200) {
                    throw OperationException.failed(node.id() + " answered " + answer.statusCode() + " at " + health
                            + ", the health endpoint of release " + release.version());
                }
            } else {
                reports(node, info(node), release.version(), plugins.get());
            }
            answers(node, all);
        });
    }

    /** The checks of {@code pitstop.yml}, then those {@code release} declares. */
    private List<ClusterConfig.Check> checksOf(NodeStatus node, Release release) {
        List<ClusterConfig.Check> all = new ArrayList<>(checks);
        try {
            all.addAll(ClusterConfig.Check.declaredBy(release));
        } catch (ConfigException | IllegalArgumentException e) {
            throw OperationException.failed("cannot verify " + node.id() + ": " + e.getMessage());
        }
        return all;
    }

    private static void reports(NodeStatus node, JsonNode info, String version, Set<String> plugins) {
        if (!version.equals(info.path("version").asText())) {
            throw OperationException.failed(node.id() + " reports version " + info.path("version").asText()
                    + ", expected " + version);
        }
        List<String> missing = new ArrayList<>(plugins);
        for (JsonNode plugin : info.path("plugins")) {
            if (plugin.path("enabled").asBoolean()) {
                missing.remove(plugin.path("id").asText());
            }
        }
        if (!missing.isEmpty()) {
            throw OperationException.failed(node.id() + " has not loaded the enabled plugins " + String.join(", ", missing));
        }
    }

    /** Runs {@code attempt} until it passes or the routing delay is over; only the last failure counts. */
    private void retried(NodeStatus node, Runnable attempt) {
        Instant deadline = Instant.now().plus(routingDelay);
        while (true) {
            try {
                attempt.run();
                return;
            } catch (OperationException e) {
                if (!Instant.now().plus(RETRY_PAUSE).isBefore(deadline)) {
                    throw e;
                }
            }
            try {
                Thread.sleep(RETRY_PAUSE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw OperationException.failed("interrupted while verifying " + node.id());
            }
        }
    }

    private static void ready(NodeStatus node) {
        if (node.state() != NodeState.READY) {
            throw OperationException.failed(node.id() + " is not ready: it is " + node.state().label()
                    + (node.message() == null ? "" : " (" + node.message() + ")"));
        }
    }

    private void answers(NodeStatus node, List<ClusterConfig.Check> checks) {
        for (ClusterConfig.Check check : checks) {
            HttpResponse<String> response = send(node, check);
            boolean statusMatches = response.statusCode() == check.status();
            boolean bodyMatches = check.bodyContains() == null || response.body().contains(check.bodyContains());
            if (!statusMatches || !bodyMatches || !holds(response, check.jsonField())) {
                String body = response.body().length() > BODY_SHOWN
                        ? response.body().substring(0, BODY_SHOWN) + "…" : response.body();
                throw OperationException.failed("check " + check + " failed on " + node.id() + ": it answered "
                        + response.statusCode() + " " + body.replaceAll("\\s+", " ").strip() + secretsHint(check));
            }
        }
    }

    /**
     * A check that sends this cluster's secrets (NocoBase's sign-in) also fails when the database holds
     * another cluster's: a backup restored from it, say, whose root password is that cluster's.
     */
    private static String secretsHint(ClusterConfig.Check check) {
        Set<String> names = new LinkedHashSet<>();
        if (check.body() != null) {
            names.addAll(ClusterSecrets.namesIn(check.body().toString()));
        }
        check.headers().values().forEach(value -> names.addAll(ClusterSecrets.namesIn(value)));
        return names.isEmpty() ? "" : "; the check sends the cluster secret" + (names.size() == 1 ? " " : "s ")
                + String.join(", ", names) + " (HOME/secrets): if the database comes from another cluster, "
                + "that cluster's secrets/ must be copied into this one's home first";
    }

    private JsonNode info(NodeStatus node) {
        HttpResponse<String> response = send(node, "GET", "/api/info", "cannot read " + node.url() + "/api/info");
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw OperationException.failed("cannot read " + node.url() + "/api/info: it answered "
                    + response.statusCode() + ", not JSON: " + e.getMessage());
        }
    }

    /** Whether the answer is JSON holding a value at {@code pointer} that is not empty; true without a pointer. */
    private static boolean holds(HttpResponse<String> response, String pointer) {
        if (pointer == null) {
            return true;
        }
        try {
            JsonNode value = JSON.readTree(response.body()).at(pointer);
            return !value.isMissingNode() && !value.isNull() && !(value.isTextual() && value.asText().isEmpty());
        } catch (IOException e) {
            return false;
        }
    }

    private HttpResponse<String> send(NodeStatus node, ClusterConfig.Check check) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.url() + check.path()));
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
        if (check.body() != null) {
            request.setHeader("Content-Type", "application/json");
            body = HttpRequest.BodyPublishers.ofString(withSecrets(check.body()).toString());
        }
        check.headers().forEach((name, value) -> request.setHeader(name, secrets.expand(value)));
        return send(node, request, check.method(), body, "check " + check + " failed on " + node.id());
    }

    /** The body with each string's {@code ${secret.NAME}} filled, walked as JSON so a secret's quotes stay text. */
    private JsonNode withSecrets(JsonNode node) {
        if (node.isTextual()) {
            return TextNode.valueOf(secrets.expand(node.textValue()));
        }
        if (node.isObject()) {
            ObjectNode copy = JSON.createObjectNode();
            node.fields().forEachRemaining(field -> copy.set(field.getKey(), withSecrets(field.getValue())));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JSON.createArrayNode();
            node.forEach(element -> copy.add(withSecrets(element)));
            return copy;
        }
        return node;
    }

    private HttpResponse<String> send(NodeStatus node, String method, String path, String failure) {
        return send(node, HttpRequest.newBuilder(URI.create(node.url() + path)), method,
                HttpRequest.BodyPublishers.noBody(), failure);
    }

    private HttpResponse<String> send(NodeStatus node, HttpRequest.Builder builder, String method,
                                      HttpRequest.BodyPublisher body, String failure) {
        HttpRequest request = builder
                .header(BYPASS_HEADER, bypassToken)
                .timeout(TIMEOUT)
                .method(method, body)
                .build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw OperationException.failed(failure + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OperationException.failed("interrupted while checking " + node.id());
        }
    }
}
