package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitstop.db.DbSettings;
import dev.pitstop.testing.TestDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-app maintenance window on a three-node cluster run through the CLI, with the default
 * policy of such a cluster (plugins: window-only). The nodes run a release that declares a check of
 * its own, which passes while there is an item. The tests share one cluster, and each leaves it as it
 * found it: every node serving, an item, no window open.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MaintenanceWindowTest {

    private static final Duration KILL_WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path home;

    private Cli cli;
    private String gateway;
    private String bypass;

    @BeforeAll
    void up() throws Exception {
        cli = new Cli(home);
        int port = freePort();
        gateway = "http://127.0.0.1:" + port;
        Files.writeString(home.resolve("pitstop.yml"), """
                checks:
                  - path: /api/items
                    body-contains: "["
                """);
        Path release = Demo.releaseWithChecks(Files.createDirectories(home.resolve("releases")), "1.0.0", """
                [{"path": "/api/items", "json-field": "/0/name"}]""");
        run("up", "--detach", "--port", String.valueOf(port), "--release", release.toString());
        bypass = Files.readString(home.resolve("bypass.token")).strip();
        Http.post(gateway + "/api/items", Http.item("passes the release's check"));
    }

    @AfterAll
    void down() throws Exception {
        run("down");
    }

    @Test
    void pluginChangesWaitForTheWindowAndReachEveryNodeWhenItEnds() throws Exception {
        long item = Http.json(Http.post(gateway + "/api/items", Http.item("gear"))).get("id").asLong();
        assertThat(status().get("policy").get("plugins").asText()).isEqualTo("window-only");

        Cli.Result add = cli.run("plugin", "add", Demo.plugin("comments-1.0.0.jar").toString());
        Cli.Result enable = cli.run("plugin", "enable", "comments");

        assertThat(add.exitCode()).as("%s", add).isEqualTo(3);
        assertThat(enable.exitCode()).as("%s", enable).isEqualTo(3);
        assertThat(enable.err()).contains("window-only", "pitstop maintenance begin");

        Cli.Result begin = run("maintenance", "begin", "--page");
        assertThat(begin.out()).contains("node-1 serves alone");
        assertThat(Http.get(gateway + "/api/items").statusCode()).isEqualTo(503);
        assertThat(nodeStates()).containsExactly("ready", "stopped", "stopped");

        run("plugin", "add", Demo.plugin("comments-1.0.0.jar").toString());
        run("plugin", "enable", "comments");
        assertThat(Http.get(gateway + "/api/items/" + item + "/comments", "X-Pitstop-Bypass", bypass).statusCode())
                .isEqualTo(200);

        Cli.Result end = run("maintenance", "end");

        assertThat(end.out()).contains("verify node-1: ready and 2 checks ... done",
                "take the status page down ... done");
        assertThat(nodeStates()).containsExactly("ready", "ready", "ready");
        for (JsonNode node : status().get("nodes")) {
            String comments = node.get("url").asText() + "/api/items/" + item + "/comments";
            assertThat(Http.get(comments).statusCode()).as(comments).isEqualTo(200);
        }
        assertThat(Http.get(gateway + "/api/items").statusCode()).isEqualTo(200);
        JsonNode history = Http.JSON.readTree(run("history", "--json").out());
        assertThat(history.get("procedures").findValuesAsText("kind")).contains("maintenance-begin", "maintenance-end");
        assertThat(history.get("audit").findValuesAsText("outcome")).contains("refused", "succeeded");
    }

    /**
     * The window's end verifies the node that served it with the checks of the release it runs, not
     * only pitstop.yml's: while that check fails the end stops there, the window open and the other
     * nodes stopped; once it passes, the end resumed closes the window.
     */
    @Test
    void theEndOfAWindowVerifiesTheChecksOfTheReleaseTheNodesRun() throws Exception {
        run("maintenance", "begin");
        TestDatabase.execute(db(), "DELETE FROM app.items");

        Cli.Result failed = cli.run("maintenance", "end");

        assertThat(failed.exitCode()).as("%s", failed).isEqualTo(1);
        assertThat(failed.out() + failed.err()).contains(
                "check GET /api/items → 200 with /0/name failed on node-1: it answered 200",
                "pitstop maintenance end --resume");
        assertThat(status().get("windowOpen").asBoolean()).isTrue();
        assertThat(nodeStates()).containsExactly("ready", "stopped", "stopped");

        Http.post(gateway + "/api/items", Http.item("passes the release's check"));
        Cli.Result resumed = run("maintenance", "end", "--resume");

        assertThat(resumed.out()).contains("verify node-1: ready and 2 checks ... done");
        assertThat(status().get("windowOpen").asBoolean()).isFalse();
        assertThat(nodeStates()).containsExactly("ready", "ready", "ready");
    }

    @Test
    void anOperatorKilledDuringBeginOrEndIsResumed() throws Exception {
        killDuring("drain and stop", "maintenance", "begin");
        JsonNode interrupted = status().get("procedure");
        assertThat(interrupted.get("kind").asText()).isEqualTo("maintenance-begin");
        assertThat(interrupted.get("state").asText()).isEqualTo("interrupted");
        assertThat(cli.run("maintenance", "end").exitCode()).isEqualTo(3);

        run("maintenance", "begin", "--resume");

        JsonNode open = status();
        assertThat(open.get("windowOpen").asBoolean()).isTrue();
        assertThat(open.get("procedure").isNull()).isTrue();
        assertThat(nodeStates()).containsExactly("ready", "stopped", "stopped");

        killDuring("wait until", "maintenance", "end");
        assertThat(status().get("procedure").get("state").asText()).isEqualTo("interrupted");

        run("maintenance", "end", "--resume");

        JsonNode closed = status();
        assertThat(closed.get("windowOpen").asBoolean()).isFalse();
        assertThat(closed.get("procedure").isNull()).isTrue();
        assertThat(nodeStates()).containsExactly("ready", "ready", "ready");
    }

    /** Runs the command and kills it with SIGKILL once the journal shows a step starting with {@code step} running. */
    private void killDuring(String step, String... command) throws Exception {
        Process operator = cli.start(command);
        Instant deadline = Instant.now().plus(KILL_WAIT);
        try (Connection c = TestDatabase.connect(db());
             PreparedStatement running = c.prepareStatement("SELECT count(*) FROM pitstop.procedure_steps"
                     + " WHERE state = 'running' AND name LIKE ?")) {
            running.setString(1, step + "%");
            while (count(running) == 0) {
                assertThat(operator.isAlive()).as("pitstop %s still runs before step '%s'", String.join(" ", command),
                        step).isTrue();
                assertThat(Instant.now()).as("step '%s' started", step).isBefore(deadline);
                Thread.sleep(10);
            }
        }
        operator.destroyForcibly().waitFor();
    }

    private static long count(PreparedStatement query) throws Exception {
        try (ResultSet rs = query.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private DbSettings db() throws IOException {
        return CliCluster.db(home);
    }

    private JsonNode status() throws Exception {
        return Http.JSON.readTree(run("status", "--json").out());
    }

    private List<String> nodeStates() throws Exception {
        List<String> states = new ArrayList<>();
        status().get("nodes").forEach(node -> states.add(node.get("state").asText()));
        return states;
    }

    private Cli.Result run(String... args) throws Exception {
        Cli.Result result = cli.run(args);
        assertThat(result.exitCode()).as("pitstop %s: %s", String.join(" ", args), result).isZero();
        return result;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
