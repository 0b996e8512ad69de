package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole cluster on this machine, run through the CLI as an operator runs it. */
class LocalClusterTest {

    @TempDir
    Path home;

    private Cli cli;
    private String gateway;

    @BeforeEach
    void upDetached() throws Exception {
        cli = new Cli(home);
        int port = freePort();
        gateway = "http://127.0.0.1:" + port;
        up(port);
    }

    @AfterEach
    void down() throws Exception {
        Cli.Result down = cli.run("down");
        assertThat(down.exitCode()).as("%s", down).isZero();
    }

    @Test
    void keepsItsDataFromOneUpToTheNext() throws Exception {
        JsonNode status = Http.JSON.readTree(cli.run("status", "--json").out());
        assertThat(status.get("mode").asText()).isEqualTo("serving");
        assertThat(status.get("release").asText()).isEqualTo("1.0.0");
        assertThat(status.get("procedure").isNull()).isTrue();
        assertThat(status.get("nodes")).hasSize(3);
        for (JsonNode node : status.get("nodes")) {
            assertThat(node.get("state").asText()).as("state of %s", node).isEqualTo("ready");
            assertThat(node.get("version").asText()).isEqualTo("1.0.0");
        }
        JsonNode clusterFile = Http.JSON.readTree(home.resolve("cluster.json").toFile());
        assertThat(clusterFile.get("gateway").asText()).isEqualTo(gateway);
        assertThat(clusterFile.get("admin").asText()).isEqualTo(gateway);
        assertThat(Files.getPosixFilePermissions(Path.of(clusterFile.get("tokenFile").asText())))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        long supervisor = clusterFile.get("pid").asLong();
        HttpResponse<String> created = Http.post(gateway + "/api/items", Http.item("kept across restarts"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        Cli.Result down = cli.run("down");
        assertThat(down.exitCode()).as("%s", down).isZero();
        assertThat(ProcessHandle.of(supervisor).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(cli.run("status").exitCode()).isEqualTo(1);
        int port = freePort();
        gateway = "http://127.0.0.1:" + port;
        up(port);

        JsonNode items = Http.json(Http.get(gateway + "/api/items"));
        assertThat(items.findValuesAsText("name")).containsExactly("kept across restarts");
    }

    @Test
    void putsTheStatusPageUpAndDownAtTheGateway() throws Exception {
        Path page = Files.writeString(home.resolve("page.html"), "<h1>Back at five</h1>");
        String bypass = Files.readString(home.resolve("bypass.token")).strip();

        Cli.Result on = cli.run("maintenance", "page", "on", "--file", page.toString(), "--retry-after", "7");

        assertThat(on.exitCode()).as("%s", on).isZero();
        HttpResponse<String> paged = awaitGateway(r -> r.statusCode() == 503);
        assertThat(paged.headers().firstValue("Retry-After")).contains("7");
        assertThat(paged.body()).contains("Back at five");
        assertThat(Http.get(gateway + "/api/items", "X-Pitstop-Bypass", bypass).statusCode()).isEqualTo(200);

        Cli.Result off = cli.run("maintenance", "page", "off");

        assertThat(off.exitCode()).as("%s", off).isZero();
        awaitGateway(r -> r.statusCode() == 200);
        Cli.Result history = cli.run("history", "--json");
        assertThat(Http.JSON.readTree(history.out()).get("audit").findValuesAsText("operation"))
                .contains("maintenance page on", "maintenance page off");
    }

    private void up(int port) throws Exception {
        Cli.Result up = cli.run("up", "--detach", "--port", String.valueOf(port),
                "--release", Demo.release("1.0.0").toString());
        assertThat(up.exitCode()).as("%s", up).isZero();
        assertThat(up.out()).contains("Cluster ready at " + gateway);
    }

    /** The gateway follows the cluster mode by notification: give it a moment. */
    private HttpResponse<String> awaitGateway(Predicate<HttpResponse<String>> condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        HttpResponse<String> response = Http.get(gateway + "/api/items");
        while (!condition.test(response) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            response = Http.get(gateway + "/api/items");
        }
        assertThat(condition).as("gateway answered %d: %s", response.statusCode(), response.body()).accepts(response);
        return response;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
