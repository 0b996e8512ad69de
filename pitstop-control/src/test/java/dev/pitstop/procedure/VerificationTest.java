package dev.pitstop.procedure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pitstop.control.NodeState;
import dev.pitstop.driver.NodeStatus;
import dev.pitstop.home.ClusterConfig;
import dev.pitstop.release.Release;
import dev.pitstop.secret.ClusterSecrets;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process release's own checks ({@code "checks"} in release.json): a sign-in with a body holding the
 * cluster's secret, expected to answer a token. The node is a small HTTP server that signs in whoever
 * sends the password it was given, as NocoBase's {@code /api/auth:signIn} does.
 */
class VerificationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private HttpServer server;
    private String password;
    private String seenAuthenticator;

    @BeforeEach
    void startNode() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/__health_check", exchange -> answer(exchange, 200, "ok"));
        server.createContext("/api/auth:signIn", exchange -> {
            JsonNode form = JSON.readTree(exchange.getRequestBody());
            seenAuthenticator = exchange.getRequestHeaders().getFirst("X-Authenticator");
            boolean signedIn = exchange.getRequestMethod().equals("POST") && form.path("account").asText().equals("root")
                    && form.path("password").asText().equals(password);
            answer(exchange, signedIn ? 200 : 401, signedIn ? "{\"data\":{\"token\":\"t-1\"}}"
                    : "{\"errors\":[{\"message\":\"The username or password is incorrect\"}]}");
        });
        server.start();
    }

    @AfterEach
    void stopNode() {
        server.stop(0);
    }

    @Test
    void aReleaseSignsInWithTheClustersSecretAndFailsWhenSignInFails() throws IOException {
        Files.writeString(dir.resolve("release.json"), """
                {"name": "app", "version": "2.2.15",
                 "node": {"kind": "process", "command": ["app"], "health": {"ready": "/api/__health_check"}},
                 "checks": [{"path": "/api/auth:signIn", "headers": {"X-Authenticator": "basic"},
                             "body": {"account": "root", "password": "${secret.root-password}"},
                             "json-field": "/data/token"}]}
                """);
        Release release = Release.open(dir);
        ClusterSecrets secrets = new ClusterSecrets(dir.resolve("secrets"));
        password = secrets.get("root-password");
        Verification verification = new Verification(List.of(), () -> dir, "bypass", Duration.ZERO, secrets);
        NodeStatus node = new NodeStatus("node-1", "http://127.0.0.1:" + server.getAddress().getPort(),
                NodeState.READY, null);

        assertThat(verification.describe(dir)).isEqualTo("ready and 1 check");
        verification.verifyRuns(node, release, Set::of);
        assertThat(seenAuthenticator).isEqualTo("basic");

        password = "changed-in-the-application";
        assertThatThrownBy(() -> verification.verifyRuns(node, release, Set::of))
                .isInstanceOfSatisfying(OperationException.class,
                        e -> assertThat(e.kind()).isEqualTo(OperationException.Kind.FAILED))
                .hasMessageContaining("check POST /api/auth:signIn → 200 with /data/token failed on node-1: it answered 401")
                .hasMessageContaining("the check sends the cluster secret root-password (HOME/secrets): if the database "
                        + "comes from another cluster, that cluster's secrets/ must be copied")
                .hasMessageNotContaining(secrets.get("root-password"));
    }

    /**
     * A restore or a window's end verifies a node without naming its release: the checks are those of the
     * release the cluster runs, after pitstop.yml's.
     */
    @Test
    void aNodeOfTheRunningReleaseIsVerifiedWithTheChecksOfPitstopYmlAndOfThatRelease() throws IOException {
        Files.writeString(dir.resolve("release.json"), """
                {"name": "app", "version": "2.2.15",
                 "checks": [{"method": "POST", "path": "/api/auth:signIn", "body": {"account": "root",
                             "password": "${secret.root-password}"}, "json-field": "/data/token"}]}
                """);
        Files.createDirectories(dir.resolve("lib")); // Pitstop's runtime, as the release runs no process
        ClusterSecrets secrets = new ClusterSecrets(dir.resolve("secrets"));
        password = secrets.get("root-password");
        ClusterConfig.Check health = new ClusterConfig.Check(null, "/api/__health_check", 200, "ok", null, null, null);
        Verification verification = new Verification(List.of(health), () -> dir, "bypass", Duration.ZERO, secrets);
        NodeStatus node = new NodeStatus("node-1", "http://127.0.0.1:" + server.getAddress().getPort(),
                NodeState.READY, null);

        assertThat(verification.describe()).isEqualTo("ready and 2 checks");
        verification.verify(node);

        password = "changed-in-the-application";
        assertThatThrownBy(() -> verification.verify(node))
                .isInstanceOfSatisfying(OperationException.class,
                        e -> assertThat(e.kind()).isEqualTo(OperationException.Kind.FAILED))
                .hasMessageContaining("check POST /api/auth:signIn → 200 with /data/token failed on node-1");
    }

    @Test
    void aCheckOfTheReleaseThatIsNotACheckSaysWhere() throws IOException {
        Files.writeString(dir.resolve("release.json"), """
                {"name": "app", "version": "2.2.15",
                 "node": {"kind": "process", "command": ["app"], "health": {"ready": "/api/__health_check"}},
                 "checks": [{"path": "/api/auth:signIn", "expect": 200}]}
                """);
        Verification verification = new Verification(List.of(), () -> dir, "bypass", Duration.ZERO,
                new ClusterSecrets(dir.resolve("secrets")));
        NodeStatus node = new NodeStatus("node-1", "http://127.0.0.1:" + server.getAddress().getPort(),
                NodeState.READY, null);
        assertThatThrownBy(() -> verification.verifyRuns(node, Release.open(dir), Set::of))
                .hasMessageContaining("release.json, \"checks\"").hasMessageContaining("unknown key 'expect'");
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
