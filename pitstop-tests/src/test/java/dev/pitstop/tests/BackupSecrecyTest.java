package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.backup.Backups;
import dev.pitstop.backup.PasswordSource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a procedure's backup gives away: its file and directory are its owner's only, and a cluster
 * that sets a backup password in pitstop.yml gets every procedure's backup encrypted with it. The
 * tests share a one-node cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackupSecrecyTest {

    @TempDir
    static Path home;

    private Cli cli;
    private int port;

    @BeforeAll
    void up() throws Exception {
        cli = new Cli(home);
        port = freePort();
        start();
    }

    private void start() throws Exception {
        run("up", "--detach", "--nodes", "1", "--port", String.valueOf(port), "--release",
                Demo.release("1.0.0").toString());
    }

    @AfterAll
    void down() throws Exception {
        run("down");
    }

    @AfterEach
    void noClusterPassword() throws IOException {
        Files.deleteIfExists(home.resolve("pitstop.yml"));
    }

    @Test
    void aProceduresBackupIsReadableByItsOwnerOnly() throws Exception {
        Path safety = restoreAndFindSafetyBackup();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(safety))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(safety.getParent())))
                .isEqualTo("rwx------");
        assertThat(Backups.label(safety).encrypted()).isFalse();
    }

    @Test
    void theClustersBackupPasswordEncryptsEveryProceduresBackup() throws Exception {
        Path password = home.resolve("backup-password");
        Files.writeString(password, "correct horse battery staple\n");
        Files.writeString(home.resolve("pitstop.yml"), "backup:\n  password-file: " + password + "\n");

        Path safety = restoreAndFindSafetyBackup();

        assertThat(Backups.label(safety).encrypted()).isTrue();
        assertThat(Backups.verify(safety, PasswordSource.file(password)).entries()).isNotEmpty();
    }

    /** Restores a backup just made; the restore procedure saves the current data first. */
    private Path restoreAndFindSafetyBackup() throws Exception {
        Path backup = home.resolve("secrecy-" + System.nanoTime() + ".backup");
        run("backup", "create", "--output", backup.toString());
        run("backup", "restore", backup.toString(), "--yes");
        try (Stream<Path> files = Files.list(home.resolve("backups"))) {
            return files.filter(f -> f.getFileName().toString().startsWith("before-restore-"))
                    .max((a, b) -> a.getFileName().compareTo(b.getFileName())).orElseThrow();
        }
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
