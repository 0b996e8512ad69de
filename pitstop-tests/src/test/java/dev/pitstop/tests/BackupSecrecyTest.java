package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.backup.Backups;
import dev.pitstop.backup.PasswordSource;
import dev.pitstop.backup.format.BackupReader;
import dev.pitstop.secret.ClusterKey;
import dev.pitstop.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a procedure's backup gives away: its file and directory are its owner's only, it holds the
 * environment's secrets sealed with the cluster key (which stays out of it), and a cluster that sets
 * a backup password in pitstop.yml gets every procedure's backup, and every backup a node makes,
 * encrypted with it. The tests share a one-node cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackupSecrecyTest {

    @TempDir
    static Path home;

    private static final String SECRET = "s3cr3t-api-token-4f9a";
    private static final String PLAIN = "eu-west-3-plain-value";

    private CliCluster cluster;

    @BeforeAll
    void up() throws Exception {
        cluster = CliCluster.up(home, 1, "1.0.0");
    }

    @AfterAll
    void down() throws Exception {
        cluster.close();
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

    /** up hands the password file to the local nodes: a backup asked of a node without a password uses it. */
    @Test
    void theNodesUseTheClustersBackupPasswordForABackupAskedForWithoutOne() throws Exception {
        Path password = home.resolve("backup-password");
        Files.writeString(password, "correct horse battery staple\n");
        Files.writeString(home.resolve("pitstop.yml"), "backup:\n  password-file: " + password + "\n");
        cluster.run("down");
        cluster = CliCluster.up(home, 1, "1.0.0");

        // No request timeout: the node derives the key (64 MiB of Argon2id) and writes the backup, however busy.
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        cluster.gateway() + "/admin/backups"))
                .header("Authorization", "Bearer " + Files.readString(home.resolve("admin.token")).strip())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Path file = home.resolve("backups").resolve(Http.json(created).get("name").asText());
        assertThat(Backups.label(file).encrypted()).isTrue();
        assertThat(Backups.verify(file, PasswordSource.file(password)).entries()).isNotEmpty();
    }

    @Test
    void noProceduresBackupHoldsASecretInClear() throws Exception {
        // Written in clear, as by hand or by a version before the cluster key: the next up seals it.
        sql("INSERT INTO app.environment (name, value, secret) VALUES ('API_TOKEN', '" + SECRET + "', true), "
                + "('REGION', '" + PLAIN + "', false)");
        cluster.run("down");
        cluster = CliCluster.up(home, 1, "1.0.0");
        String stored = sql("SELECT value FROM app.environment WHERE name = 'API_TOKEN'");
        assertThat(stored).startsWith(ClusterKey.PREFIX).doesNotContain(SECRET);
        Path keyFile = home.resolve("cluster.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(ClusterKey.read(keyFile).open("API_TOKEN", stored)).isEqualTo(SECRET);

        Path safety = restoreAndFindSafetyBackup();

        String content = decompressed(safety);
        assertThat(content).contains(PLAIN, ClusterKey.PREFIX).doesNotContain(SECRET);
        assertThat(new String(Files.readAllBytes(safety), StandardCharsets.ISO_8859_1)).doesNotContain(SECRET);
    }

    /** Every entry's bytes, decompressed and decrypted, as text. */
    private static String decompressed(Path backup) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try (BackupReader reader = BackupReader.open(backup, PasswordSource.NONE)) {
            for (BackupReader.Event e = reader.next(); e != null; e = reader.next()) {
                if (e == BackupReader.Event.DATA) {
                    all.write(reader.data(), 0, reader.length());
                }
            }
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    /** Runs {@code statement}; the first column of its first row, if it has one. */
    private static String sql(String statement) throws Exception {
        try (Connection c = TestDatabase.connect(CliCluster.db(home)); Statement st = c.createStatement()) {
            if (!st.execute(statement)) {
                return null;
            }
            try (ResultSet rs = st.getResultSet()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Restores a backup just made; the restore procedure saves the current data first. */
    private Path restoreAndFindSafetyBackup() throws Exception {
        Path backup = home.resolve("secrecy-" + System.nanoTime() + ".backup");
        cluster.run("backup", "create", "--output", backup.toString());
        cluster.run("backup", "restore", backup.toString(), "--yes");
        try (Stream<Path> files = Files.list(home.resolve("backups"))) {
            return files.filter(f -> f.getFileName().toString().startsWith("before-restore-"))
                    .max((a, b) -> a.getFileName().compareTo(b.getFileName())).orElseThrow();
        }
    }

}
