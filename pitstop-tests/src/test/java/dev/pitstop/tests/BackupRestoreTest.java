package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitstop.backup.BackupOptions;
import dev.pitstop.backup.Backups;
import dev.pitstop.backup.Fingerprint;
import dev.pitstop.db.DbSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup and restore through the CLI on a two-node cluster: the restore procedure brings back the
 * data and storage of the backup's time, a restore the checks refuse changes nothing, and one whose
 * node fails the check its release declares (an item must exist) is rolled back. The tests share one
 * cluster and each leaves it serving.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackupRestoreTest {

    @TempDir
    static Path home;

    private Cli cli;
    private String gateway;
    private Path storage;
    /** Taken before any item was made: a node restored from it fails the release's check. */
    private Path withoutItems;

    @BeforeAll
    void up() throws Exception {
        cli = new Cli(home);
        int port = freePort();
        gateway = "http://127.0.0.1:" + port;
        Path release = Demo.releaseWithChecks(Files.createDirectories(home.resolve("releases")), "1.0.0", """
                [{"path": "/api/items", "json-field": "/0/name"}]""");
        run("up", "--detach", "--nodes", "2", "--port", String.valueOf(port), "--release", release.toString());
        storage = home.resolve("storage");
        withoutItems = home.resolve("without-items.backup");
        Backups.create(db(), withoutItems, BackupOptions.defaults().withRelease("1.0.0"));
    }

    @AfterAll
    void down() throws Exception {
        run("down");
    }

    @Test
    void restoreBringsBackTheDataAndStorageOfTheBackupsTime() throws Exception {
        Http.post(gateway + "/api/items", Http.item("before the backup"));
        Files.createDirectories(storage.resolve("uploads"));
        Files.writeString(storage.resolve("uploads/kept.txt"), "as backed up");
        Fingerprint atBackup = Fingerprint.of(db(), storage);
        Cli.Result created = run("backup", "create");
        String name = Path.of(created.out().split(" ")[2]).getFileName().toString();

        Http.post(gateway + "/api/items", Http.item("after the backup"));
        Files.writeString(storage.resolve("uploads/kept.txt"), "changed");
        Files.writeString(storage.resolve("uploads/new.txt"), "not in the backup");
        assertThat(run("backup", "list").out()).contains(name, "1.0.0");

        Cli.Result restored = run("backup", "restore", name, "--yes");

        assertThat(restored.out()).contains("save the current data in the safety backup before-restore-",
                "restore " + name + " ... done", "verify node-1: ready and 1 check ... done",
                "take the status page down ... done", "to go back: pitstop backup restore before-restore-");
        assertThat(Fingerprint.of(db(), storage).differences(atBackup)).isEmpty();
        assertThat(Http.json(Http.get(gateway + "/api/items")).findValuesAsText("name"))
                .contains("before the backup").doesNotContain("after the backup");
        assertThat(nodeStates()).containsExactly("ready", "ready");
        JsonNode history = Http.JSON.readTree(run("history", "--json").out());
        assertThat(history.get("procedures").findValuesAsText("kind")).contains("restore");
    }

    @Test
    void aRestoreTheChecksRefuseChangesNothing() throws Exception {
        Path damaged = home.resolve("damaged.backup");
        run("backup", "create", "--output", damaged.toString());
        byte[] bytes = Files.readAllBytes(damaged);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(damaged, bytes);
        Path newer = home.resolve("newer.backup");
        Backups.create(db(), newer, BackupOptions.defaults().withRelease("9.0.0"));
        Fingerprint before = Fingerprint.of(db(), storage);

        Cli.Result corrupt = cli.run("backup", "restore", damaged.toString(), "--yes");
        Cli.Result tooNew = cli.run("backup", "restore", newer.toString(), "--yes");

        assertThat(corrupt.exitCode()).as("%s", corrupt).isEqualTo(3);
        assertThat(corrupt.err()).contains("damaged.backup refused, nothing was changed", "is damaged");
        assertThat(tooNew.exitCode()).as("%s", tooNew).isEqualTo(3);
        assertThat(tooNew.err()).contains("made by release 9.0.0, newer than the running release 1.0.0");
        assertThat(Fingerprint.of(db(), storage).differences(before)).isEmpty();
        assertThat(nodeStates()).containsExactly("ready", "ready");
        assertThat(Http.JSON.readTree(run("status", "--json").out()).get("mode").asText()).isEqualTo("serving");
    }

    /**
     * A restore verifies the first node with the check of the release it runs, as an upgrade does: restored
     * without items, it fails, and the restore rolls back to the data from before.
     */
    @Test
    void aRestoreWhoseNodeFailsTheReleasesCheckIsRolledBack() throws Exception {
        Http.post(gateway + "/api/items", Http.item("kept by the rollback"));
        Fingerprint before = Fingerprint.of(db(), storage);

        Cli.Result restore = cli.run("backup", "restore", withoutItems.toString(), "--yes");

        assertThat(restore.exitCode()).as("%s", restore).isEqualTo(1);
        assertThat(restore.out() + restore.err()).contains(
                "check GET /api/items → 200 with /0/name failed on node-1: it answered 200",
                "Rolling back", "was rolled back");
        assertThat(Fingerprint.of(db(), storage).differences(before)).isEmpty();
        assertThat(Http.json(Http.get(gateway + "/api/items")).findValuesAsText("name")).contains("kept by the rollback");
        assertThat(nodeStates()).containsExactly("ready", "ready");
        assertThat(Http.JSON.readTree(run("status", "--json").out()).get("mode").asText()).isEqualTo("serving");
    }

    private DbSettings db() throws IOException {
        return CliCluster.db(home);
    }

    private List<String> nodeStates() throws Exception {
        List<String> states = new ArrayList<>();
        Http.JSON.readTree(run("status", "--json").out()).get("nodes").forEach(n -> states.add(n.get("state").asText()));
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
