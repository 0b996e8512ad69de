package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitstop.backup.Fingerprint;
import dev.pitstop.db.DbSettings;
import dev.pitstop.testing.TestDatabase;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Environment migration through the CLI between two clusters of release 1.1.0 with the comments
 * plugin: staging's configuration and schema reach production, production keeps its user data
 * and its secrets, and what the checks refuse changes nothing.
 */
class MigrationTest {

    @TempDir
    Path dir;

    @Test
    void stagingConfigurationReachesProductionWhichKeepsItsDataAndSecrets() throws Exception {
        Path release = Demo.releaseWith(dir, "1.1.0", "comments-1.0.0.jar");
        try (Cluster staging = Cluster.up(dir.resolve("staging"), 1, release);
             Cluster production = Cluster.up(dir.resolve("production"), 2, release)) {
            staging.sql("""
                    UPDATE app.settings SET value = 'Spanner shop' WHERE key = 'site.title';
                    INSERT INTO app.settings VALUES ('items.page-size', '50');
                    ALTER TABLE app.items ADD COLUMN color text NOT NULL DEFAULT 'none';
                    INSERT INTO app.environment VALUES ('SITE_URL', 'https://staging.example', false),
                        ('PAYMENT_KEY', 'staging-key', true);
                    """);
            Http.post(staging.gateway + "/api/items", Http.item("staging sample"));
            production.sql("INSERT INTO app.environment VALUES ('PAYMENT_KEY', 'production-key', true)");
            Http.post(production.gateway + "/api/items", Http.item("bolt"));
            Http.post(production.gateway + "/api/items/1/comments", java.util.Map.of("text", "production comment"));
            Path rules = Files.writeString(dir.resolve("rules.yml"), "tables:\n  app.settings: overwrite\n");
            Path file = dir.resolve("staging.migration");

            Cli.Result created = staging.run("migration", "create", "--rules", rules.toString(), "--output", file.toString());
            assertThat(created.out()).contains("Migration written: " + file, "release 1.1.0", "signed by ed25519:");

            Fingerprint before = production.fingerprint();
            Cli.Result untrusted = production.cli.run("migration", "check", file.toString());
            assertThat(untrusted.exitCode()).as("%s", untrusted).isEqualTo(3);
            assertThat(untrusted.err()).contains("which this cluster does not trust", "pitstop migration trust");
            Path stagingKey = Files.writeString(dir.resolve("staging.pub"), staging.run("migration", "public-key").out());
            String fingerprint = staging.run("migration", "keys").out().split(" ")[2];
            assertThat(production.run("migration", "trust", stagingKey.toString()).out()).contains("Trusted " + fingerprint);
            assertThat(production.run("migration", "keys").out()).contains("trusts: " + fingerprint);

            Cli.Result refused = production.cli.run("migration", "check", file.toString());
            assertThat(refused.exitCode()).as("%s", refused).isEqualTo(3);
            assertThat(refused.err()).contains("the target lacks environment variables or secrets the source has: SITE_URL;");
            assertThat(production.fingerprint().differences(before)).isEmpty();

            Cli.Result preview = production.run("migration", "check", file.toString(), "--set", "SITE_URL=https://shop.example");
            assertThat(preview.out()).contains("app.settings", "overwrite", "app.items", "schema-only",
                    "ALTER TABLE app.items ADD COLUMN color text NOT NULL DEFAULT 'none'::text;");
            assertThat(production.fingerprint().differences(before)).isEmpty();

            Cli.Result applied = production.run("migration", "apply", file.toString(), "--yes",
                    "--set", "SITE_URL=https://shop.example");

            assertThat(applied.out()).contains("open the maintenance window", "save the current data in before-migration-",
                    "apply staging.migration in one transaction", "close the maintenance window", "applied staging.migration",
                    "to go back: pitstop backup restore before-migration-");
            assertThat(production.rows("SELECT key, value FROM app.settings ORDER BY key"))
                    .isEqualTo(staging.rows("SELECT key, value FROM app.settings ORDER BY key"));
            assertThat(production.rows("SELECT name, color FROM app.items ORDER BY id")).containsExactly("bolt none");
            assertThat(production.rows("SELECT text FROM app.comments")).containsExactly("production comment");
            assertThat(production.rows("SELECT name, value FROM app.environment ORDER BY name"))
                    .containsExactly("PAYMENT_KEY production-key", "SITE_URL https://shop.example");
            assertThat(production.status().get("nodes").findValuesAsText("state")).containsExactly("ready", "ready");
            assertThat(production.status().get("mode").asText()).isEqualTo("serving");
            assertThat(Http.get(production.gateway + "/api/items").statusCode()).isEqualTo(200);
            assertThat(production.run("migration", "logs").out()).contains("succeeded: staging.migration from release 1.1.0",
                    "backup before: before-migration-", "ALTER TABLE app.items ADD COLUMN color");

            try (RandomAccessFile bytes = new RandomAccessFile(file.toFile(), "rw")) {
                bytes.seek(bytes.length() / 2);
                int b = bytes.read();
                bytes.seek(bytes.length() / 2);
                bytes.write(b ^ 0xFF);
            }
            Fingerprint afterApply = production.fingerprint();
            Cli.Result tampered = production.cli.run("migration", "apply", file.toString(), "--yes");
            assertThat(tampered.exitCode()).as("%s", tampered).isEqualTo(3);
            assertThat(tampered.err()).contains(file + " is damaged");
            assertThat(production.fingerprint().differences(afterApply)).isEmpty();
        }
    }

    /** A cluster of its own home, started with {@code pitstop up --detach} on a release directory. */
    private record Cluster(Cli cli, Path home, String gateway) implements AutoCloseable {

        static Cluster up(Path home, int nodes, Path release) throws Exception {
            Cli cli = new Cli(home);
            int port = NodeProcess.freePort();
            Cluster cluster = new Cluster(cli, home, "http://127.0.0.1:" + port);
            cluster.run("up", "--detach", "--nodes", String.valueOf(nodes), "--port", String.valueOf(port),
                    "--release", release.toString());
            return cluster;
        }

        Cli.Result run(String... args) throws Exception {
            Cli.Result result = cli.run(args);
            assertThat(result.exitCode()).as("%s", result).isZero();
            return result;
        }

        JsonNode status() throws Exception {
            return Http.JSON.readTree(run("status", "--json").out());
        }

        DbSettings db() throws Exception {
            return CliCluster.db(home);
        }

        Fingerprint fingerprint() throws Exception {
            return Fingerprint.of(db(), null);
        }

        void sql(String sql) throws Exception {
            try (Connection c = TestDatabase.connect(db()); Statement st = c.createStatement()) {
                st.execute(sql);
            }
        }

        /** Each row's columns joined by a space. */
        List<String> rows(String sql) throws Exception {
            try (Connection c = TestDatabase.connect(db()); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery(sql)) {
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                    List<String> columns = new ArrayList<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        columns.add(rs.getString(i));
                    }
                    rows.add(String.join(" ", columns));
                }
                return rows;
            } catch (SQLException e) {
                throw new AssertionError(sql + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() throws Exception {
            cli.run("down");
        }
    }
}
