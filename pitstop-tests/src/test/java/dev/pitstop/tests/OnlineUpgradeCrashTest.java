package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's process dies during an online upgrade of a two-node cluster from 1.1.0 to 1.3.0
 * (steps: backup, allow both releases, expand, replace node-1, replace node-2, contract, record):
 * after the expand migrations and after the first node was replaced, {@code --rollback} puts
 * 1.1.0 back on every node; at the contract step, {@code --rollback} is refused saying why and
 * what to do, and {@code --resume} finishes. (Every step before
 * the contract one rolls back the same way; two of them keep the test's time within CI's budget.) A client polling through the gateway meanwhile sees
 * only 200s. The crash is injected with {@code PITSTOP_CRASH_AT}, which halts the process as
 * SIGKILL would.
 */
class OnlineUpgradeCrashTest {

    private static final int EXPAND_STEP = 3;
    private static final int CONTRACT_STEP = 6;
    private static final int ITEMS = 5;

    @Test
    void stepsBeforeContractRollBackAndTheContractStepResumesWithNoFailedRequest(@TempDir Path home)
            throws Exception {
        try (CliCluster cluster = CliCluster.up(home, 2, "1.1.0")) {
            cluster.createItems(ITEMS);
            UpgradeTest.Poller poller = UpgradeTest.Poller.start(cluster.gateway() + "/api/items");
            for (int step : new int[] {EXPAND_STEP, EXPAND_STEP + 1}) {
                crash(cluster, step);
                assertThat(cluster.status().get("procedure").get("state").asText()).isEqualTo("interrupted");

                Cli.Result rollback = cluster.cli().run(Cli.SQL_PARSER, "upgrade", "--rollback");

                assertThat(rollback.out()).as("after a crash in step %d: %s", step, rollback)
                        .contains("rolled back to 1.1.0 without a restore");
                assertThat(cluster.nodeVersions()).as("after a crash in step %d", step).containsOnly("ready 1.1.0");
            }
            crash(cluster, CONTRACT_STEP);
            Cli.Result rollback = cluster.cli().run(Cli.SQL_PARSER, "upgrade", "--rollback");

            assertThat(rollback.exitCode()).as("%s", rollback).isEqualTo(3);
            assertThat(rollback.err()).as("%s", rollback).contains("(interrupted at step 6 'contract: ",
                    " cannot be rolled back: its contract phase began at step 6: nodes of 1.1.0 may no longer serve, "
                            + "and the contract migrations of 1.3.0 may have changed the schema in ways 1.1.0 cannot work "
                            + "with; every node serves 1.3.0 meanwhile. To return to 1.1.0 once it is finished, restore the "
                            + "backup it took first, which stops the service: 'pitstop backup restore "
                            + home.resolve("backups").resolve("before-upgrade-1.1.0-to-1.3.0-"),
                    ". Nothing was changed; once the cause is fixed, continue it with 'pitstop upgrade --resume'");
            Cli.Result resume = cluster.cli().run(Cli.SQL_PARSER, "upgrade", "--resume");

            assertThat(resume.out()).as("%s", resume).contains("upgraded to 1.3.0 online");
            assertThat(poller.stop()).isEmpty();
            assertThat(poller.pagesSeen()).isZero();
            assertThat(cluster.nodeVersions()).containsOnly("ready 1.3.0");
            JsonNode items = Http.json(Http.get(cluster.gateway() + "/api/items"));
            assertThat(items).hasSize(ITEMS);
            for (JsonNode item : items) {
                assertThat(item.path("slug").asText()).isEqualTo(item.path("name").asText());
            }
        }
    }

    private static void crash(CliCluster cluster, int step) throws Exception {
        Map<String, String> env = new HashMap<>(Cli.SQL_PARSER);
        env.put("PITSTOP_CRASH_AT", "online-upgrade:" + step + ":end");
        Cli.Result crashed = cluster.cli().run(env, "upgrade", "--to", Demo.release("1.3.0").toString(), "--online");
        assertThat(crashed.exitCode()).as("%s", crashed).isEqualTo(137);
    }
}
