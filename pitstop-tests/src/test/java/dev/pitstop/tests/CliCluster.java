package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitstop.backup.Fingerprint;
import dev.pitstop.db.DbSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A cluster started with {@code pitstop up --detach} in a home of its own, driven through the CLI. */
final class CliCluster implements AutoCloseable {

    private final Path home;
    private final Cli cli;
    private final String gateway;

    private CliCluster(Path home, Cli cli, String gateway) {
        this.home = home;
        this.cli = cli;
        this.gateway = gateway;
    }

    static CliCluster up(Path home, int nodes, String release) throws Exception {
        return up(home, nodes, release, "http");
    }

    /** With {@code https}, started with {@code --tls self-signed}. */
    static CliCluster up(Path home, int nodes, String release, String scheme) throws Exception {
        Cli cli = new Cli(home);
        int port = NodeProcess.freePort();
        List<String> args = new ArrayList<>(List.of("up", "--detach", "--nodes", String.valueOf(nodes),
                "--port", String.valueOf(port), "--release", Demo.release(release).toString()));
        if (scheme.equals("https")) {
            args.addAll(List.of("--tls", "self-signed"));
        }
        Cli.Result up = cli.run(args.toArray(String[]::new));
        assertThat(up.exitCode()).as("%s", up).isZero();
        return new CliCluster(home, cli, scheme + "://127.0.0.1:" + port);
    }

    Path home() {
        return home;
    }

    Cli cli() {
        return cli;
    }

    String gateway() {
        return gateway;
    }

    /** Runs a command that must succeed. */
    Cli.Result run(String... args) throws Exception {
        Cli.Result result = cli.run(args);
        assertThat(result.exitCode()).as("%s", result).isZero();
        return result;
    }

    JsonNode status() throws Exception {
        return Http.JSON.readTree(run("status", "--json").out());
    }

    List<String> nodeVersions() throws Exception {
        List<String> versions = new ArrayList<>();
        for (JsonNode node : status().get("nodes")) {
            versions.add(node.get("state").asText() + " " + Http.json(Http.get(node.get("url").asText() + "/api/info"))
                    .get("version").asText());
        }
        return versions;
    }

    DbSettings db() throws IOException {
        JsonNode db = Http.JSON.readTree(Files.readString(home.resolve("cluster.json"))).get("db");
        return new DbSettings(db.get("url").asText(), db.get("user").asText(), null);
    }

    Fingerprint fingerprint() throws IOException {
        return Fingerprint.of(db(), home.resolve("storage"));
    }

    void createItems(int count) {
        for (int i = 0; i < count; i++) {
            assertThat(Http.post(gateway + "/api/items", Http.item("item " + i)).statusCode()).isEqualTo(201);
        }
    }

    @Override
    public void close() throws Exception {
        cli.run("down");
    }
}
