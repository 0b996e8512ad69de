package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitstop.backup.Fingerprint;
import dev.pitstop.db.DbSettings;
import dev.pitstop.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * No procedure leaves the cluster stuck, on one one-node cluster, in order: a restore that fails
 * mid-way changes nothing and closes; a backup that does not replay stops an upgrade before anything
 * changes and refuses a restore; a procedure nobody can finish is abandoned; an upgrade that fails on
 * a database with a view grouping by a primary key rolls back through its backup.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProcedureRecoveryTest {

    @TempDir
    static Path home;

    private CliCluster cluster;

    @BeforeAll
    void up() throws Exception {
        cluster = CliCluster.up(home, 1, "1.0.0");
        cluster.createItems(3);
    }

    @AfterAll
    void down() throws Exception {
        cluster.close();
    }

    @Test
    @Order(1)
    void aRestoreFailingMidWayLeavesTheOldDataServingWithNoProcedureOpen() throws Exception {
        DbSettings db = cluster.db();
        // A check whose verdict depends on a database setting: true when backed up and replayed into a
        // scratch database, false when the rows are loaded back into this one.
        TestDatabase.execute(db, """
                CREATE FUNCTION app.accept(name text) RETURNS boolean LANGUAGE sql STABLE
                    AS $$ SELECT coalesce(current_setting('pitstop_test.reject', true), '') <> 'on' $$;
                ALTER TABLE app.items ADD CONSTRAINT accepted CHECK (app.accept(name));
                """);
        Path backup = home.resolve("with-check.backup");
        cluster.run("backup", "create", "--output", backup.toString());
        cluster.createItems(2);
        Fingerprint before = cluster.fingerprint();
        TestDatabase.execute(db, "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET pitstop_test.reject = on',"
                + " current_database()); END $$");
        try {
            Cli.Result restore = cluster.cli().run("backup", "restore", backup.toString(), "--yes");

            assertThat(restore.exitCode()).as("%s", restore).isEqualTo(1);
            assertThat(restore.err()).contains("the restore of with-check.backup was rolled back: the cluster serves "
                    + "the data it had before", "rows of table app.items could not be loaded",
                    "violates check constraint \"accepted\"");
        } finally {
            TestDatabase.execute(db, "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I RESET pitstop_test.reject',"
                    + " current_database()); END $$");
        }
        assertThat(cluster.fingerprint().differences(before)).isEmpty();
        assertThat(cluster.status().get("procedure").isNull()).as("no procedure open").isTrue();
        assertThat(cluster.nodeVersions()).containsExactly("ready 1.0.0");
        assertThat(Http.json(Http.get(cluster.gateway() + "/api/items")).size()).isEqualTo(5);
        TestDatabase.execute(db, "ALTER TABLE app.items DROP CONSTRAINT accepted; DROP FUNCTION app.accept(text)");
    }

    @Test
    @Order(2)
    void aBackupThatDoesNotReplayStopsAnUpgradeBeforeAnythingChangesAndRefusesARestore() throws Exception {
        DbSettings db = cluster.db();
        TestDatabase.execute(db, "CREATE VIEW app.item_names AS SELECT name FROM app.items");
        Path backup = home.resolve("with-view.backup");
        cluster.run("backup", "create", "--output", backup.toString());
        // A scratch database where views cannot be created: any backup with one does not replay there.
        // Its guard lives in a schema named like the control schema, which a replay leaves alone.
        TestDatabase.execute(db, "CREATE DATABASE replay_guard");
        DbSettings guard = db.withDatabase("replay_guard");
        TestDatabase.execute(guard, """
                CREATE SCHEMA pitstop;
                CREATE FUNCTION pitstop.no_views() RETURNS event_trigger LANGUAGE plpgsql AS $$
                    BEGIN IF tg_tag = 'CREATE VIEW' THEN RAISE EXCEPTION 'no views in this scratch database'; END IF; END $$;
                CREATE EVENT TRIGGER no_views ON ddl_command_start EXECUTE FUNCTION pitstop.no_views();
                """);
        Files.writeString(home.resolve("pitstop.yml"), "backup:\n  scratch-database-url: " + guard.url() + "\n");
        Fingerprint before = cluster.fingerprint();
        try {
            Cli.Result verify = cluster.cli().run("backup", "verify", backup.toString());
            Cli.Result upgrade = cluster.cli().run("upgrade", "--to", Demo.release("1.1.0").toString(), "--yes");
            Cli.Result restore = cluster.cli().run("backup", "restore", backup.toString(), "--yes");

            assertThat(verify.exitCode()).as("%s", verify).isEqualTo(3);
            assertThat(verify.err()).contains("with-view.backup does not restore: view app.item_names failed when "
                    + "replayed into a scratch database: no views in this scratch database");
            assertThat(upgrade.exitCode()).as("%s", upgrade).isEqualTo(1);
            assertThat(upgrade.err()).contains("rolled back to 1.0.0 before anything changed: every node runs 1.0.0",
                    "taken before the upgrade to 1.1.0 does not restore: view app.item_names failed");
            assertThat(restore.exitCode()).as("%s", restore).isEqualTo(3);
            assertThat(restore.err()).contains("refused, nothing was changed", "does not restore: view app.item_names");
        } finally {
            Files.delete(home.resolve("pitstop.yml"));
        }
        assertThat(cluster.fingerprint().differences(before)).isEmpty();
        assertThat(cluster.status().get("procedure").isNull()).as("no procedure open").isTrue();
        assertThat(cluster.nodeVersions()).containsExactly("ready 1.0.0");
        TestDatabase.execute(db, "DROP VIEW app.item_names");
    }

    @Test
    @Order(3)
    void aProcedureNobodyCanFinishIsAbandonedAndAudited() throws Exception {
        cluster.run("maintenance", "begin");
        Files.writeString(home.resolve("pitstop.yml"), "checks:\n  - path: /no/such/page\n");
        Cli.Result end = cluster.cli().run("maintenance", "end");
        assertThat(end.exitCode()).as("%s", end).isEqualTo(1);
        assertThat(cluster.run("status").out()).contains("'pitstop maintenance end --abandon' gives it up");

        Cli.Result abandon = cluster.run("maintenance", "end", "--abandon");

        assertThat(abandon.out()).contains("was abandoned by", "nothing was undone or finished");
        assertThat(cluster.status().get("procedure").isNull()).as("no procedure open").isTrue();
        JsonNode history = Http.JSON.readTree(cluster.run("history", "--json").out());
        assertThat(history.toString()).contains("abandoned");
        Files.delete(home.resolve("pitstop.yml"));
        cluster.run("maintenance", "end");
        assertThat(cluster.nodeVersions()).containsExactly("ready 1.0.0");
    }

    /**
     * The view is legal only once the primary key exists: the upgrade's backup creates it as a
     * placeholder and gives it its query after the keys, so the rollback's restore succeeds.
     */
    @Test
    @Order(4)
    void anUpgradeFailingOnADatabaseWithAViewGroupingByAPrimaryKeyRollsBackTo100WithItsData() throws Exception {
        TestDatabase.execute(cluster.db(), "CREATE VIEW app.item_counts AS SELECT c.id, c.name, count(*) AS n"
                + " FROM app.items c JOIN app.items d ON d.id = c.id GROUP BY c.id");
        Fingerprint before = cluster.fingerprint();

        Cli.Result upgrade = cluster.cli().run("upgrade", "--to", Demo.release("1.2.0-broken").toString(), "--yes");

        assertThat(upgrade.exitCode()).as("%s", upgrade).isEqualTo(1);
        assertThat(upgrade.err()).contains("rolled back to 1.0.0: every node runs 1.0.0 and serves, with the data of",
                "demo: broken migration");
        assertThat(cluster.fingerprint().differences(before)).isEmpty();
        assertThat(cluster.status().get("procedure").isNull()).as("no procedure open").isTrue();
        assertThat(cluster.nodeVersions()).containsExactly("ready 1.0.0");
        assertThat(Http.json(Http.get(cluster.gateway() + "/api/items")).size()).isEqualTo(5);
    }
}
