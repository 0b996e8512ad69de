package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitstop.backup.BackupOptions;
import dev.pitstop.backup.Backups;
import dev.pitstop.db.DbSettings;
import dev.pitstop.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster on a database shared with another application ({@code up --db-url}, {@code app-schemas}
 * in pitstop.yml): backup and restore through the CLI cover the cluster's schema and never touch the
 * other application's.
 */
class SharedDatabaseTest {

    private static final String LEDGER = "SELECT id, note FROM billing.ledger ORDER BY id";

    @TempDir
    Path home;

    @Test
    void aRestoreLeavesTheOtherApplicationsSchemaUntouchedAndRefusesABackupHoldingIt() throws Exception {
        DbSettings db = TestDatabase.create();
        TestDatabase.execute(db, "CREATE SCHEMA billing; CREATE TABLE billing.ledger (id int PRIMARY KEY, note text);"
                + " INSERT INTO billing.ledger VALUES (1, 'another application''s row')");
        Files.writeString(home.resolve("pitstop.yml"), "app-schemas: [app]\n");
        Cli cli = new Cli(home);
        int port = NodeProcess.freePort();
        String gateway = "http://127.0.0.1:" + port;
        Cli.Result up = cli.run("up", "--detach", "--nodes", "1", "--port", String.valueOf(port), "--db-url", db.url(),
                "--db-user", db.user(), "--release", Demo.release("1.0.0").toString());
        assertThat(up.exitCode()).as("%s", up).isZero();
        try {
            Http.post(gateway + "/api/items", Http.item("in the backup"));
            Cli.Result created = cli.run("backup", "create", "--output", home.resolve("app.backup").toString());
            assertThat(created.exitCode()).as("%s", created).isZero();
            Http.post(gateway + "/api/items", Http.item("after the backup"));
            TestDatabase.execute(db, "INSERT INTO billing.ledger VALUES (2, 'written after the backup')");
            List<String> ledger = TestDatabase.pairs(db, LEDGER);

            Cli.Result restored = cli.run("backup", "restore", home.resolve("app.backup").toString(), "--yes");

            assertThat(restored.exitCode()).as("%s", restored).isZero();
            assertThat(Http.json(Http.get(gateway + "/api/items")).findValuesAsText("name"))
                    .containsExactly("in the backup");
            assertThat(TestDatabase.pairs(db, LEDGER)).isEqualTo(ledger).hasSize(2);

            Path everything = home.resolve("everything.backup");
            Backups.create(db, everything, BackupOptions.defaults());
            Cli.Result refused = cli.run("backup", "restore", everything.toString(), "--yes");

            assertThat(refused.exitCode()).as("%s", refused).isEqualTo(3);
            assertThat(refused.err()).contains("refused, nothing was changed: it holds the schema", "billing",
                    "not among the application's (app, app-schemas in pitstop.yml)");
            assertThat(TestDatabase.pairs(db, LEDGER)).isEqualTo(ledger);
            JsonNode status = Http.JSON.readTree(cli.run("status", "--json").out());
            assertThat(status.get("procedure").isNull()).isTrue();
        } finally {
            cli.run("down");
        }
    }
}
