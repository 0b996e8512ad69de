package dev.pitstop.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.control.ControlSchema;
import dev.pitstop.control.Installations;
import dev.pitstop.control.NodeRegistry;
import dev.pitstop.control.NodeState;
import dev.pitstop.control.Tokens;
import dev.pitstop.driver.NodeFailedException;
import dev.pitstop.driver.NodeStatus;
import dev.pitstop.home.ClusterConfig;
import dev.pitstop.home.ClusterFile;
import dev.pitstop.home.Home;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.release.Release;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor's control API, driven the way the CLI drives it; no node is started here. */
class ControlApiTest {

    private static final String TOKEN = "control-token";

    @TempDir
    Path dir;

    private static EmbeddedPostgres postgres;
    private LocalNodeDriver local;
    private ControlApi api;
    private final List<Release> switched = new ArrayList<>();

    @BeforeAll
    static void startDatabase() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        ControlSchema.migrate(postgres.getPostgresDatabase());
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void start() throws IOException {
        ClusterFile.Db db = new ClusterFile.Db(postgres.getJdbcUrl("postgres", "postgres"), "postgres", null, false);
        local = LocalNodeDriver.create(new Home(dir.resolve("home")), release("1.0.0"), 2, db, Map.of(),
                new NodeRegistry(postgres.getPostgresDatabase()), new Installations(postgres.getPostgresDatabase()),
                new ClusterConfig.LogsSettings(null, null));
        api = ControlApi.start(local, Tokens.hash(TOKEN), switched::add);
    }

    @AfterEach
    void stop() {
        api.close();
        local.close();
    }

    @Test
    void listsTheNodes() {
        List<NodeStatus> nodes = new SupervisorNodeDriver(api.url(), TOKEN).nodes();

        assertThat(nodes).extracting(NodeStatus::id).containsExactly("node-1", "node-2");
        assertThat(nodes).extracting(NodeStatus::state).containsOnly(NodeState.STOPPED);
    }

    @Test
    void switchesTheReleaseOfStoppedNodes() throws IOException {
        Release next = release("1.1.0");

        new SupervisorNodeDriver(api.url(), TOKEN).useRelease(next);

        assertThat(switched).containsExactly(next);
        assertThat(Files.readString(dir.resolve("home/nodes/node-1.yaml"))).contains(next.dir().toString());
    }

    @Test
    void answersOnlyTheAdminToken() {
        assertThatThrownBy(() -> new SupervisorNodeDriver(api.url(), "guess").nodes())
                .isInstanceOf(OperationException.class)
                .hasMessageContaining("needs 'Authorization: Bearer <token>'");
    }

    @Test
    void namesAnUnknownNode() {
        assertThatThrownBy(() -> new SupervisorNodeDriver(api.url(), TOKEN).start("node-9"))
                .isInstanceOf(OperationException.class)
                .hasMessage("no node 'node-9'; nodes are node-1, node-2");
    }

    @Test
    void reportsANodeThatCannotBecomeReady() {
        assertThatThrownBy(() -> new SupervisorNodeDriver(api.url(), TOKEN).awaitReady("node-1", Duration.ofSeconds(1)))
                .isInstanceOf(NodeFailedException.class)
                .hasMessage("node-1 was never started");
    }

    @Test
    void answersAnUnexpectedErrorWithoutItsJavaText() throws Exception {
        // A deadline past the end of time breaks Instant arithmetic inside the driver.
        HttpResponse<String> answer = send("POST", "/nodes/node-1/await-ready?timeout-seconds=" + Long.MAX_VALUE, "");

        assertThat(answer.statusCode()).isEqualTo(500);
        assertThat(answer.body()).contains("failed in the supervisor with an unexpected error; the supervisor's log has the details")
                .doesNotContain("java.", "Exception");
    }

    @Test
    void answersABodyThatIsNotJsonWithWhereItBroke() throws Exception {
        HttpResponse<String> answer = send("PUT", "/release", "{\"dir\": nope}");

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("the request body must be JSON; it is not valid at line 1, column")
                .doesNotContain("nope", "Exception");
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api.url() + path))
                .header("Authorization", "Bearer " + TOKEN)
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A directory that passes as a release; nothing here runs it. */
    private Release release(String version) throws IOException {
        Path release = Files.createDirectories(dir.resolve("releases").resolve(version));
        Files.createDirectories(release.resolve("lib"));
        Files.writeString(release.resolve("release.json"), "{\"name\": \"test\", \"version\": \"" + version + "\"}");
        return Release.open(release);
    }
}
