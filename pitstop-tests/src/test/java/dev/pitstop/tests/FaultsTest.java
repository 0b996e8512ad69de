package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitstop.testing.TestDatabase;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * One three-node cluster with its embedded database, hurt in turn: the database killed with SIGKILL
 * under a client loop through the gateway, then a node, then the supervisor. Each time the cluster
 * must come back by itself (or, for the supervisor, by running {@code up} again, as systemd would)
 * with every item. Timings are awaited with the deadlines and printed, not asserted tighter.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsTest {

    private static final int ITEMS = 20;

    private Path home;
    private int port;
    private CliCluster cluster;

    @BeforeAll
    void upWithItems(@TempDir Path home) throws Exception {
        this.home = home;
        port = NodeProcess.freePort();
        cluster = CliCluster.up(home, 3, "1.0.0", port);
        cluster.createItems(ITEMS);
    }

    @AfterAll
    void down() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void theEmbeddedDatabaseIsDurable() throws Exception {
        for (String setting : List.of("fsync", "synchronous_commit", "full_page_writes")) {
            assertThat(TestDatabase.pairs(cluster.db(), "SELECT name, setting FROM pg_settings WHERE name = '"
                    + setting + "'")).containsExactly(setting + "=on");
        }
    }

    @Test
    @Order(2)
    void aKilledDatabaseMakesRequestsFailFastUntilItIsBackByItself() throws Exception {
        try (ClientLoop loop = ClientLoop.start(cluster.gateway() + "/api/items")) {
            loop.awaitFirst(call -> call.status() == 200, Duration.ofSeconds(10), "a first 200 through the gateway");
            ProcessHandle postgres = postmaster();
            long killedAt = System.nanoTime();
            postgres.destroyForcibly();

            // Answered after the kill, wherever it started: a request already waiting for a pooled
            // connection when the database died counts, as its client sees a 503 then.
            Call first503 = loop.awaitFirst(call -> call.status() == 503, Duration.ofSeconds(2),
                    "the first 503 after the database was killed");
            Call backAgain = loop.awaitFirst(call -> call.startedNanos() > first503.startedNanos()
                    && call.status() == 200 && call.items() == ITEMS, Duration.ofSeconds(30),
                    "a 200 with all " + ITEMS + " items after the database came back");
            loop.stop();

            System.out.printf("database killed: first 503 after %d ms (answered in %d ms), all items served again "
                            + "after %d ms; longest request %d ms; %d requests: %s%n",
                    millis(first503.startedNanos() + first503.tookNanos() - killedAt), millis(first503.tookNanos()),
                    millis(backAgain.startedNanos() + backAgain.tookNanos() - killedAt), millis(loop.longest()),
                    loop.calls().size(), loop.statusCounts());
            assertThat(loop.longest()).as("the longest request, in ns").isLessThan(Duration.ofSeconds(5).toNanos());
            assertThat(loop.calls()).allSatisfy(call -> assertThat(call.status()).as("%s", call).isIn(200, 503));
            assertThat(loop.calls()).filteredOn(call -> call.status() == 503)
                    .allSatisfy(call -> assertThat(call.retryAfter()).as("%s", call).isPresent());
            assertThat(postmaster().pid()).isNotEqualTo(postgres.pid());
        }
    }

    @Test
    @Order(3)
    void aKilledNodeCostsNoRequest() throws Exception {
        awaitAllReady();
        try (ClientLoop loop = ClientLoop.start(cluster.gateway() + "/api/items")) {
            loop.awaitFirst(call -> call.status() == 200, Duration.ofSeconds(10), "a first 200 through the gateway");
            ProcessHandle node = nodeProcess("node-2");
            node.destroyForcibly();
            node.onExit().get();
            long killedAt = System.nanoTime();
            loop.awaitFirst(call -> call.startedNanos() > killedAt + Duration.ofSeconds(2).toNanos(),
                    Duration.ofSeconds(10), "requests for two seconds after the node was killed");
            awaitAllReady();
            loop.stop();

            System.out.printf("node killed: %d requests, %s; longest %d ms%n", loop.calls().size(),
                    loop.statusCounts(), millis(loop.longest()));
            assertThat(loop.calls()).allSatisfy(call -> assertThat(call.status()).as("%s", call).isEqualTo(200));
        }
    }

    @Test
    @Order(4)
    void aKilledSupervisorIsReplacedByRunningUpAgain() throws Exception {
        long supervisorPid = Http.JSON.readTree(home.resolve("cluster.json").toFile()).get("pid").asLong();
        ProcessHandle supervisor = ProcessHandle.of(supervisorPid).orElseThrow();
        ProcessHandle postgres = postmaster();
        supervisor.destroyForcibly();
        supervisor.onExit().get();
        assertThat(postgres.isAlive()).as("the embedded database outlives its supervisor").isTrue();

        cluster = CliCluster.up(home, 3, "1.0.0", port);

        assertThat(postgres.isAlive()).as("the database left running was stopped").isFalse();
        assertThat(Http.json(Http.get(cluster.gateway() + "/api/items"))).hasSize(ITEMS);
        JsonNode status = cluster.status();
        assertThat(status.get("nodes")).extracting(node -> node.get("state").asText())
                .containsExactly("ready", "ready", "ready");
    }

    @Test
    @Order(5)
    void anUpgradeThatLosesTheDatabaseAtAStepStopsThereAndResumes() throws Exception {
        Process upgrade = cluster.cli().startReadingOutput("upgrade", "--to", Demo.release("1.1.0").toString(), "--yes");
        StringBuilder output = new StringBuilder();
        Reader reader = new InputStreamReader(upgrade.getInputStream(), StandardCharsets.UTF_8);
        readUntil(reader, output, "  5. start ");
        int port = URI.create(cluster.db().url().substring("jdbc:".length())).getPort();
        ProcessHandle postgres = postmaster();
        postgres.destroyForcibly();
        postgres.onExit().get();
        Cli.Result stopped;
        // The supervisor would restart the database within a second or two: holding its port keeps it away
        // until the upgrade has noticed, as a longer outage would.
        try (PortBlocker ignored = PortBlocker.hold(port)) {
            readUntil(reader, output, null);
            stopped = new Cli.Result(upgrade.waitFor(), output.toString(), "");
            Cli.Result status = cluster.run("status", "--json");
            assertThat(Http.JSON.readTree(status.out()).get("database").asText()).as("%s", status).isEqualTo("down");
        }

        assertThat(stopped.exitCode()).as("%s", stopped).isEqualTo(1);
        assertThat(stopped.out()).as("%s", stopped).contains("the database became unreachable at step 5 (start ")
                .contains("once it is back: pitstop upgrade --resume");
        awaitDatabase(Duration.ofSeconds(90));
        Cli.Result resumed = cluster.run("upgrade", "--resume");
        assertThat(resumed.out()).contains("upgraded to 1.1.0");
        JsonNode items = Http.json(Http.get(cluster.gateway() + "/api/items"));
        assertThat(items).hasSize(ITEMS);
        for (JsonNode item : items) {
            assertThat(item.get("sku").asText()).isEqualTo("ITEM-" + item.get("id").asLong());
        }
    }

    /** Reads into {@code output} until it contains {@code marker}, or to the end when it is null. */
    private static void readUntil(Reader reader, StringBuilder output, String marker) throws IOException {
        int c;
        while ((marker == null || output.indexOf(marker) < 0) && (c = reader.read()) >= 0) {
            output.append((char) c);
        }
        if (marker != null && output.indexOf(marker) < 0) {
            throw new AssertionError("the output ended before '" + marker + "':\n" + output);
        }
    }

    private void awaitDatabase(Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            try (Connection ignored = TestDatabase.connect(cluster.db())) {
                return;
            } catch (SQLException e) {
                assertThat(System.nanoTime()).as("the database back within %s: %s", within, e.getMessage())
                        .isLessThan(deadline);
                Thread.sleep(200);
            }
        }
    }

    /** Takes a port and closes every connection to it at once: a database that refuses to be reached. */
    private static final class PortBlocker implements AutoCloseable {

        private final ServerSocket socket;
        private final Thread thread;

        private PortBlocker(ServerSocket socket) {
            this.socket = socket;
            this.thread = new Thread(this::run, "port-blocker");
        }

        static PortBlocker hold(int port) throws IOException {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            PortBlocker blocker = new PortBlocker(socket);
            blocker.thread.start();
            return blocker;
        }

        private void run() {
            while (!socket.isClosed()) {
                try (Socket ignored = socket.accept()) {
                    // Closing at once is the answer.
                } catch (IOException e) {
                    return;
                }
            }
        }

        @Override
        public void close() throws Exception {
            socket.close();
            thread.join();
        }
    }

    private ProcessHandle postmaster() throws Exception {
        long pid = Long.parseLong(Files.readAllLines(home.resolve("db").resolve("postmaster.pid")).get(0).strip());
        return ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no PostgreSQL with pid " + pid));
    }

    private ProcessHandle nodeProcess(String id) {
        String config = home.resolve("nodes").resolve(id + ".yaml").toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(args -> List.of(args).contains(config)).orElse(false)
                        || p.info().commandLine().map(line -> line.contains(config)).orElse(false))
                .findFirst().orElseThrow(() -> new AssertionError("no process runs " + config));
    }

    private void awaitAllReady() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            JsonNode nodes = cluster.status().get("nodes");
            boolean allReady = nodes.size() == 3;
            for (JsonNode node : nodes) {
                allReady &= node.get("state").asText().equals("ready");
            }
            if (allReady) {
                return;
            }
            assertThat(System.nanoTime()).as("all three nodes ready within 60 s: %s", nodes).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static long millis(long nanos) {
        return Duration.ofNanos(nanos).toMillis();
    }

    /** One request of the loop: when it started, how long it took, what it got. */
    record Call(long startedNanos, long tookNanos, int status, int items, Optional<String> retryAfter) {
    }

    /** A client sending GET requests one after the other, recording every one. */
    private static final class ClientLoop implements AutoCloseable {

        private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        private final HttpRequest request;
        private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
        private final Thread thread;
        private volatile boolean stopped;

        private ClientLoop(String url) {
            request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build();
            thread = new Thread(this::run, "client-loop");
        }

        static ClientLoop start(String url) {
            ClientLoop loop = new ClientLoop(url);
            loop.thread.start();
            return loop;
        }

        private void run() {
            while (!stopped) {
                long started = System.nanoTime();
                int status;
                int items = -1;
                Optional<String> retryAfter = Optional.empty();
                try {
                    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                    status = response.statusCode();
                    retryAfter = response.headers().firstValue("Retry-After");
                    if (status == 200) {
                        items = Http.JSON.readTree(response.body()).size();
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    status = -1; // no answer at all: a failure the assertions name
                }
                calls.add(new Call(started, System.nanoTime() - started, status, items, retryAfter));
            }
        }

        Call awaitFirst(Predicate<Call> condition, Duration within, String what) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < deadline) {
                Optional<Call> found = calls.stream().filter(condition).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
                Thread.sleep(20);
            }
            throw new AssertionError("no " + what + " within " + within.toMillis() + " ms; requests: " + statusCounts());
        }

        List<Call> calls() {
            return List.copyOf(calls);
        }

        long longest() {
            return calls.stream().mapToLong(Call::tookNanos).max().orElse(0);
        }

        String statusCounts() {
            java.util.Map<Integer, Long> counts = new java.util.TreeMap<>();
            calls.forEach(call -> counts.merge(call.status(), 1L, Long::sum));
            return counts.toString();
        }

        void stop() throws InterruptedException {
            stopped = true;
            thread.join();
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }
}
