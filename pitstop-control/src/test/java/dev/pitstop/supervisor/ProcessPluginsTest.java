package dev.pitstop.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.control.ApplicationPlugins;
import dev.pitstop.control.AuditLog;
import dev.pitstop.control.Cluster;
import dev.pitstop.control.ControlSchema;
import dev.pitstop.control.Installations;
import dev.pitstop.control.NodeRegistry;
import dev.pitstop.control.NodeState;
import dev.pitstop.control.Policy;
import dev.pitstop.control.Tokens;
import dev.pitstop.db.DbSettings;
import dev.pitstop.driver.NodeStatus;
import dev.pitstop.home.ClusterConfig;
import dev.pitstop.home.ClusterFile;
import dev.pitstop.home.Home;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.procedure.Operator;
import dev.pitstop.procedure.ProcessPlugins;
import dev.pitstop.release.ProcessNode;
import dev.pitstop.release.Release;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugin changes on a release whose nodes are processes, as the CLI makes them: the policy and the
 * audit here, the command run by the supervisor through its control API in a node's setting, and
 * the other nodes restarted. The application is two real Node.js HTTP servers; its plugin commands
 * are small shell scripts that record what they were run with, one of them failing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProcessPluginsTest {

    private static final String TOKEN = "control-token";
    private static final Duration READY = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    private static EmbeddedPostgres postgres;
    private static DataSource controlDb;
    private static DbSettings db;
    private static Release release;
    private static Home home;
    private static LocalNodeDriver local;
    private static ControlApi api;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @BeforeAll
    static void startCluster() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        controlDb = postgres.getPostgresDatabase();
        ControlSchema.migrate(controlDb);
        try (Connection c = controlDb.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE app_plugins (name text PRIMARY KEY, enabled boolean NOT NULL)");
            s.execute("INSERT INTO app_plugins VALUES ('map', false), ('users', true)");
        }
        String url = postgres.getJdbcUrl("postgres", "postgres");
        db = new DbSettings(url, "postgres", null);
        release = release();
        home = new Home(dir.resolve("home"));
        local = LocalNodeDriver.create(home, release, 2, new ClusterFile.Db(url, "postgres", null, false), Map.of(),
                new NodeRegistry(controlDb), new Installations(controlDb), new ClusterConfig.LogsSettings(null, null));
        api = ControlApi.start(local, Tokens.hash(TOKEN), r -> { });
        for (String node : List.of("node-1", "node-2")) {
            local.start(node);
            local.awaitReady(node, READY);
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (api != null) {
            api.close();
        }
        if (local != null) {
            local.close();
        }
        postgres.close();
    }

    @BeforeEach
    void closedWindowAllowed() {
        new Cluster(controlDb).setPolicy(Policy.ALLOWED, Policy.ALLOWED);
        new Cluster(controlDb).setWindowOpen(false);
    }

    @Test
    @Order(1)
    void aChangeTheWindowOnlyPolicyRefusesRunsNothingAndIsAudited() {
        new Cluster(controlDb).setPolicy(Policy.WINDOW_ONLY, Policy.ALLOWED);

        assertThatThrownBy(() -> plugins().change(ProcessNode.PluginCommand.ENABLE, "map"))
                .isInstanceOfSatisfying(OperationException.class,
                        e -> assertThat(e.kind()).isEqualTo(OperationException.Kind.REFUSED))
                .hasMessageContaining("only inside a maintenance window");

        assertThat(dir.resolve("home/storage/changes")).doesNotExist();
        assertThat(lastAudit()).startsWith("plugin enable map refused by tester@test: the cluster's policy allows");
    }

    @Test
    @Order(2)
    void outsideAWindowTheCommandRunsOnTheServingNodeAndTheOtherRestartsToLoadIt() throws Exception {
        long before = pid("node-2");

        String done = plugins().change(ProcessNode.PluginCommand.ENABLE, "map");

        // The command ran once, in node-1's environment, with the plugin's name as its argument.
        assertThat(Files.readAllLines(dir.resolve("home/storage/changes"))).containsExactly("enable map on node-1");
        assertThat(done).isEqualTo("plugin enable map done on node-1; node-2 restarted with it");
        assertThat(printed()).contains("1. run on node-1: sh -c", "done in")
                .contains("2. restart node-2 to load it: drain and stop, start, wait until ready ... done in");
        assertThat(pid("node-2")).isNotEqualTo(before);
        assertThat(local.nodes()).extracting(NodeStatus::state).containsOnly(NodeState.READY);
        assertThat(Files.readString(home.nodeLog("node-1"))).contains("[pitstop] the pluginEnable command on node-1",
                "enabling map as node-1", "exited with code 0");
        assertThat(lastAudit()).isEqualTo("plugin enable map succeeded by tester@test");
    }

    @Test
    @Order(3)
    void aFailingCommandExitsWithItsLastLinesAndTheLogAndRestartsNothing() throws Exception {
        long before = pid("node-2");

        assertThatThrownBy(() -> plugins().change(ProcessNode.PluginCommand.DISABLE, "map"))
                .isInstanceOfSatisfying(OperationException.class,
                        e -> assertThat(e.kind()).isEqualTo(OperationException.Kind.FAILED))
                .hasMessageContaining("the pluginDisable command on node-1 failed")
                .hasMessageContaining("exited with code 3")
                .hasMessageContaining("map is needed by users")
                .hasMessageContaining("all of its output is in " + home.nodeLog("node-1"))
                .hasMessageNotContaining("Exception");

        assertThat(printed()).doesNotContain("restart node-2");
        assertThat(pid("node-2")).isEqualTo(before);
        assertThat(lastAudit()).startsWith("plugin disable map failed by tester@test");
    }

    @Test
    @Order(4)
    void insideAWindowOnlyTheServingNodeRunsItAndTheStoppedOneLoadsItAtTheEnd() throws Exception {
        new Cluster(controlDb).setPolicy(Policy.WINDOW_ONLY, Policy.ALLOWED);
        new Cluster(controlDb).setWindowOpen(true);
        local.stop("node-2");
        try {
            String done = plugins().change(ProcessNode.PluginCommand.ENABLE, "users");

            assertThat(done).isEqualTo("plugin enable users done on node-1; node-2 loads it when started by "
                    + "'pitstop maintenance end'");
            assertThat(printed()).doesNotContain("restart");
            assertThat(Files.readAllLines(dir.resolve("home/storage/changes"))).endsWith("enable users on node-1");
        } finally {
            local.start("node-2");
            local.awaitReady("node-2", READY);
        }
    }

    @Test
    @Order(5)
    void aChangeTheReleaseDeclaresNoCommandForIsRefused() {
        assertThatThrownBy(() -> plugins().change(ProcessNode.PluginCommand.REMOVE, "map"))
                .isInstanceOfSatisfying(OperationException.class,
                        e -> assertThat(e.kind()).isEqualTo(OperationException.Kind.REFUSED))
                .hasMessage("fake 1.0.0 declares no pluginRemove command (node.commands.pluginRemove in its "
                        + "release.json), so 'pitstop plugin remove' cannot run on this cluster; nothing was changed");
        assertThat(lastAudit()).startsWith("plugin remove map refused by tester@test: fake 1.0.0 declares no");
        assertThatThrownBy(() -> plugins().change(ProcessNode.PluginCommand.ENABLE, "--all"))
                .isInstanceOfSatisfying(OperationException.class,
                        e -> assertThat(e.kind()).isEqualTo(OperationException.Kind.INVALID));
    }

    @Test
    @Order(6)
    void theListIsTheReleasesQueryTyped() {
        assertThat(plugins().list()).containsExactly(
                new ApplicationPlugins.Plugin("map", null, false, true, false),
                new ApplicationPlugins.Plugin("users", null, true, true, false));
    }

    private ProcessPlugins plugins() {
        SupervisorNodeDriver supervisor = new SupervisorNodeDriver(api.url(), TOKEN);
        return new ProcessPlugins(release, ProcessNode.of(release).orElseThrow(), supervisor, supervisor, db, controlDb,
                new Operator("tester@test", "test"), new PrintStream(out, true, StandardCharsets.UTF_8), READY);
    }

    private String printed() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String lastAudit() {
        AuditLog.Entry entry = new AuditLog(controlDb).latest(1).get(0);
        return entry.operation() + " " + entry.target() + " " + entry.outcome() + " by " + entry.actor()
                + (entry.message() == null ? "" : ": " + entry.message());
    }

    /** The process id of the node's server, listening on its port. */
    private static long pid(String node) throws Exception {
        return Long.parseLong(Files.readString(dir.resolve("home/nodes/" + node + "/pid")).strip());
    }

    /**
     * A release whose node is a Node.js server that writes its pid; its plugin commands append to a
     * file in the shared storage, the disable command fails as an application's would, printing why.
     */
    private static Release release() throws Exception {
        Path releaseDir = Files.createDirectories(dir.resolve("release"));
        String server = "require('fs').writeFileSync(process.env.NODE_DIR + '/pid', String(process.pid));"
                + "require('http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1')";
        Files.writeString(releaseDir.resolve("release.json"), """
                {"name": "fake", "version": "1.0.0", "node": {
                  "kind": "process",
                  "command": ["node", "-e", %s],
                  "environment": {"PORT": "${port}", "NODE_DIR": "${node.dir}", "NODE": "${node.id}",
                                  "CHANGES": "${storage}/changes"},
                  "health": {"ready": "/health"},
                  "commands": {
                    "pluginEnable": ["sh", "-c", "echo enabling $0 as $NODE; echo enable $0 on $NODE >> $CHANGES", "${plugin}"],
                    "pluginDisable": ["sh", "-c", "echo disabling $0; echo $0 is needed by users >&2; exit 3", "${plugin}"]
                  },
                  "plugins": {"query": "SELECT name AS id, NULL AS version, enabled, true AS installed, false AS built_in FROM app_plugins ORDER BY name"}
                }}
                """.formatted(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(server)));
        return Release.open(releaseDir);
    }
}
