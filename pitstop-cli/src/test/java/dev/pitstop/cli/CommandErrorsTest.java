package dev.pitstop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every way a command can go wrong before it changes anything: exit code and a one-line message. */
class CommandErrorsTest {

    @TempDir
    Path home;

    @TempDir
    Path scratch;

    private record Outcome(int exitCode, String err) {
        /** The message printed, which must be a single line. */
        String line() {
            assertThat(err.lines().toList()).as("stderr of the command: %s", err).hasSize(1);
            return err.strip();
        }
    }

    private Outcome run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine commandLine = Pitstop.commandLine();
        commandLine.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("--home", home.toString()));
        all.addAll(List.of(args));
        int exitCode = commandLine.execute(all.toArray(String[]::new));
        return new Outcome(exitCode, err.toString());
    }

    @Test
    void unknownOptionIsAUsageError() {
        Outcome outcome = run("up", "--nodez", "2");

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.line()).contains("--nodez").contains("pitstop up --help");
    }

    @Test
    void missingReleaseDirectoryIsAUsageError() {
        Path missing = scratch.resolve("no-such-release");

        Outcome outcome = run("up", "--release", missing.toString());

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.line()).isEqualTo("pitstop: release directory not found: " + missing);
    }

    @Test
    void malformedDatabaseUrlIsAUsageError() throws IOException {
        Outcome outcome = run("up", "--release", release().toString(), "--db-url", "postgres://localhost/app");

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.line()).isEqualTo("pitstop: database URL must look like "
                + "jdbc:postgresql://HOST:PORT/DATABASE, got: postgres://localhost/app");
    }

    @Test
    void unreachableDatabaseIsRefused() throws IOException {
        int closedPort = freePort();

        Outcome outcome = run("up", "--release", release().toString(), "--port", String.valueOf(freePort()),
                "--db-url", "jdbc:postgresql://127.0.0.1:" + closedPort + "/app");

        assertThat(outcome.exitCode()).isEqualTo(3);
        assertThat(outcome.line()).startsWith("pitstop: cannot connect to the database jdbc:postgresql://127.0.0.1:"
                + closedPort + "/app").endsWith("nothing was started");
    }

    @Test
    void takenGatewayPortIsRefused() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Outcome outcome = run("up", "--release", release().toString(), "--port", String.valueOf(taken.getLocalPort()));

            assertThat(outcome.exitCode()).isEqualTo(3);
            assertThat(outcome.line()).isEqualTo("pitstop: port " + taken.getLocalPort() + " (the gateway) is already "
                    + "in use on 127.0.0.1; stop what uses it or choose another port; nothing was started");
        }
        assertThat(home.resolve("cluster.json")).doesNotExist();
    }

    @Test
    void anEmptyTokenFileIsRefused() throws IOException {
        Path token = Files.createFile(home.resolve("admin.token"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));

        Outcome outcome = run("up", "--release", release().toString(), "--port", String.valueOf(freePort()));

        assertThat(outcome.exitCode()).isEqualTo(3);
        assertThat(outcome.line()).isEqualTo("pitstop: the token file " + token + " is empty; put the token in it,"
                + " or delete it for pitstop up to make a new one");
        assertThat(home.resolve("cluster.json")).doesNotExist();
    }

    @Test
    void aTokenFileOthersCanReadIsRefusedWithTheFix() throws IOException {
        Path token = Files.writeString(home.resolve("bypass.token"), "0123456789abcdef\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));

        Outcome outcome = run("up", "--release", release().toString(), "--port", String.valueOf(freePort()));

        assertThat(outcome.exitCode()).isEqualTo(3);
        assertThat(outcome.line()).isEqualTo("pitstop: the token file " + token + " is rw-r--r--: its group or others"
                + " can use it; make it readable by its owner only (chmod 600 " + token + "), and rotate the token if"
                + " others may have read it");
    }

    @Test
    void badNodeCountIsAUsageError() throws IOException {
        Outcome outcome = run("up", "--release", release().toString(), "--nodes", "0");

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.line()).isEqualTo("pitstop: --nodes must be at least 1, got 0");
    }

    @Test
    void statusWithoutAClusterFails() {
        Outcome outcome = run("status", "--json");

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.line()).isEqualTo("pitstop: no cluster running in " + home + " (start one with: pitstop up)");
    }

    @Test
    void maintenancePageWithoutAClusterFails() {
        Outcome outcome = run("maintenance", "page", "on");

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.line()).startsWith("pitstop: no cluster running in ");
    }

    @Test
    void nonPositiveRetryAfterIsAUsageError() {
        Outcome outcome = run("maintenance", "page", "on", "--retry-after", "0");

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.line()).isEqualTo("pitstop: --retry-after must be at least 1 second, got 0");
    }

    @Test
    void unknownKeyInPitstopYmlIsAUsageError() throws IOException {
        Files.writeString(home.resolve("pitstop.yml"), "policy:\n  plugin: allowed\n");

        Outcome outcome = run("up", "--release", release().toString());

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.line()).isEqualTo("pitstop: unknown config key 'policy.plugin' in " + home.resolve("pitstop.yml")
                + "; known keys: app-schemas, backup.password-file, backup.scratch-database-url, checks, cluster-key-file, "
                + "console.url, gateway.access-log, gateway.access-log-retain-days, gateway.drain-timeout-seconds, gateway.h2c, "
                + "gateway.trust-forwarded-for, haproxy.backend, haproxy.map-file, haproxy.server-prefix, haproxy.socket, "
                + "kubernetes.container, kubernetes.database.password-file, kubernetes.database.url, "
                + "kubernetes.database.user, kubernetes.deployment, kubernetes.image, kubernetes.namespace, "
                + "kubernetes.releases, kubernetes.service, kubernetes.status-page, kubernetes.url, "
                + "limits.backup-block-bytes, limits.backup-kdf-iterations, limits.backup-kdf-memory-kib, "
                + "limits.backup-kdf-parallelism, limits.plugin-jar-bytes, limits.request-body-bytes, logs.files, "
                + "logs.max-file-bytes, nginx.include-file, nginx.listen, nginx.reload-command, nginx.test-command, nodes, policy.plugins, "
                + "policy.upgrade, ready-timeout-seconds, tls.certificate, tls.http, tls.key, traffic");
    }

    @Test
    void optionsForLocalNodesAreAUsageErrorOnKubernetes() throws IOException {
        Files.writeString(home.resolve("pitstop.yml"), """
                nodes: kubernetes
                kubernetes:
                  deployment: app
                  image: registry.example.com/app
                  database:
                    url: jdbc:postgresql://127.0.0.1:1/app
                """);

        Outcome outcome = run("up", "--nodes", "2", "--port", "9090", "--ready-timeout", "60");

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.line()).isEqualTo("pitstop: --nodes, --port are for local nodes; with nodes: kubernetes "
                + "the Deployment and pitstop.yml's kubernetes section say what runs (only --ready-timeout applies)");
        assertThat(home.resolve("cluster.json")).doesNotExist();
    }

    @Test
    void unreachableDatabaseOfAKubernetesClusterFailsNamingIt() throws IOException {
        Files.writeString(home.resolve("pitstop.yml"), """
                nodes: kubernetes
                kubernetes:
                  deployment: app
                  image: registry.example.com/app
                  database:
                    url: jdbc:postgresql://127.0.0.1:1/app
                """);

        Outcome outcome = run("status");

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.line()).startsWith("pitstop: cannot reach the cluster's database jdbc:postgresql://127.0.0.1:1/app");
    }

    @Test
    void resumeAndRollbackTogetherAreAUsageError() {
        Outcome outcome = run("maintenance", "begin", "--resume", "--rollback");

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.line()).isEqualTo("pitstop: --resume and --rollback exclude each other; choose one");
    }

    @Test
    void pageWithResumeIsAUsageError() {
        Outcome outcome = run("maintenance", "begin", "--page", "--resume");

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.line()).isEqualTo("pitstop: --page goes with a new window only; --resume and --rollback keep "
                + "the options the window began with");
    }

    @Test
    void missingPluginJarIsAUsageError() {
        Path missing = scratch.resolve("nope.jar");

        Outcome outcome = run("plugin", "add", missing.toString());

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.line()).isEqualTo("pitstop: plugin jar not found or not readable: " + missing);
    }

    @Test
    void maintenanceWindowWithoutAClusterFails() {
        Outcome outcome = run("maintenance", "end");

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.line()).startsWith("pitstop: no cluster running in ");
    }

    @Test
    void downWithoutAClusterHasNothingToDo() {
        assertThat(run("down").exitCode()).isZero();
    }

    @Test
    void backupCommandsNameTheMissingBackup() {
        Outcome restore = run("backup", "restore", "nope.backup", "--yes");
        Outcome delete = run("backup", "delete", "nope.backup");

        assertThat(restore.exitCode()).isEqualTo(2);
        assertThat(restore.line()).contains("no backup named \"nope.backup\" in " + home.resolve("backups"),
                "see: pitstop backup list");
        assertThat(delete.exitCode()).isEqualTo(2);
        assertThat(delete.line()).contains("no backup named \"nope.backup\"");
    }

    @Test
    void restoreResumesWithoutAFileAndAsksBeforeItStarts() {
        assertThat(run("backup", "restore", "x.backup", "--resume").line())
                .isEqualTo("pitstop: --resume and --rollback continue the open restore with its own file: leave FILE out");
        assertThat(run("backup", "restore").line())
                .isEqualTo("pitstop: which backup? give FILE, a path or a name from 'pitstop backup list'");
        assertThat(run("backup", "restore", "x.backup").line())
                .isEqualTo("pitstop: there is no terminal to confirm the restore on: add --yes");
    }

    @Test
    void verifyingAFileThatIsNotABackupIsRefused() throws IOException {
        Path notABackup = Files.writeString(scratch.resolve("notes.txt"), "hello, not a backup");

        Outcome outcome = run("backup", "verify", notABackup.toString());

        assertThat(outcome.exitCode()).isEqualTo(3);
        assertThat(outcome.line()).isEqualTo("pitstop: " + notABackup + " is not a Pitstop backup:"
                + " it does not start with the backup signature");
    }

    /** A directory that passes as a release; nothing in these tests gets as far as running it. */
    private Path release() throws IOException {
        Path dir = scratch.resolve("release");
        Files.createDirectories(dir.resolve("lib"));
        Files.writeString(dir.resolve("release.json"), "{\"name\": \"test\", \"version\": \"1.0.0\"}");
        return dir;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
