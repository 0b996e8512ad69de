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
        return up(home, nodes, release, NodeProcess.freePort(), "http");
    }

    /**
     * Started from a copy of a stopped cluster's home ({@link HomeTemplate}): the same cluster as a first
     * {@code up} would make, already installed, for a class whose every case needs a cluster of its own.
     */
    static CliCluster upCopied(Path home, int nodes, String release) throws Exception {
        HomeTemplate.copy(nodes, release, home);
        return up(home, nodes, release);
    }

    /** On a given gateway port: a second {@code up} in the same home, as after a crash, keeps the address. */
    static CliCluster up(Path home, int nodes, String release, int port) throws Exception {
        return up(home, nodes, release, port, "http");
    }

    /** With {@code https}, started with {@code --tls self-signed}. */
    static CliCluster up(Path home, int nodes, String release, String scheme) throws Exception {
        return up(home, nodes, release, NodeProcess.freePort(), scheme);
    }

    /** Of a release directory made by the test, e.g. with {@code pitstop release}, waiting up to {@code minutes}. */
    static CliCluster up(Path home, int nodes, Path release, long minutes) throws Exception {
        Cli cli = new Cli(home);
        int port = NodeProcess.freePort();
        Cli.Result up = cli.runWithin(minutes, "up", "--detach", "--nodes", String.valueOf(nodes),
                "--port", String.valueOf(port), "--release", release.toString());
        assertThat(up.exitCode()).as("%s", up).isZero();
        return new CliCluster(home, cli, "http://127.0.0.1:" + port);
    }

    private static CliCluster up(Path home, int nodes, String release, int port, String scheme) throws Exception {
        Cli cli = new Cli(home);
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
        return db(home);
    }

    /** The database of the cluster in {@code home}, as its cluster.json says, with the password of its file. */
    static DbSettings db(Path home) throws IOException {
        JsonNode db = Http.JSON.readTree(Files.readString(home.resolve("cluster.json"))).get("db");
        JsonNode passwordFile = db.get("passwordFile");
        String password = passwordFile == null ? null : Files.readString(Path.of(passwordFile.asText())).strip();
        return new DbSettings(db.get("url").asText(), db.get("user").asText(), password);
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
