package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitstop.backup.Fingerprint;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The operator's process dies during each step of an upgrade of a two-node cluster from 1.0.0 to
 * 1.1.0 (steps: page up, stop, backup, switch, start one, verify, page down, start the other).
 * The crash is injected with {@code PITSTOP_CRASH_AT}, which halts the process as SIGKILL would.
 * Each case starts a cluster of its own, from a copy of one stopped cluster's home ({@link HomeTemplate}):
 * a restore cannot take a cluster back to an older release, so the cases cannot share one.
 */
class UpgradeCrashTest {

    private static final int STEPS = 8;
    private static final int ITEMS = 5;

    @ParameterizedTest(name = "crash at the start of step {0}, then --resume")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void resumeCompletesTheUpgrade(int step, @TempDir Path home) throws Exception {
        try (CliCluster cluster = CliCluster.upCopied(home, 2, "1.0.0")) {
            cluster.createItems(ITEMS);

            crash(cluster, step, "start");
            Cli.Result resume = cluster.run("upgrade", "--resume");

            assertThat(resume.out()).contains("upgraded to 1.1.0");
            assertThat(cluster.nodeVersions()).containsExactly("ready 1.1.0", "ready 1.1.0");
            JsonNode items = Http.json(Http.get(cluster.gateway() + "/api/items"));
            assertThat(items).hasSize(ITEMS);
            for (JsonNode item : items) {
                assertThat(item.get("sku").asText()).isEqualTo("ITEM-" + item.get("id").asLong());
            }
        }
    }

    @Test
    void rollbackFromEveryStepReturnsToTheOldReleaseWithTheDataIntact(@TempDir Path home) throws Exception {
        try (CliCluster cluster = CliCluster.upCopied(home, 2, "1.0.0")) {
            cluster.createItems(ITEMS);
            Fingerprint before = cluster.fingerprint();
            for (int step = 1; step <= STEPS; step++) {
                crash(cluster, step, "end");
                assertThat(cluster.status().get("procedure").get("state").asText()).isEqualTo("interrupted");

                Cli.Result rollback = cluster.run("upgrade", "--rollback");

                assertThat(rollback.out()).as("after a crash in step %d", step).contains("rolled back to 1.0.0");
                assertThat(cluster.nodeVersions()).as("after a crash in step %d", step)
                        .containsExactly("ready 1.0.0", "ready 1.0.0");
                assertThat(cluster.fingerprint().differences(before)).as("after a crash in step %d", step).isEmpty();
                assertThat(Http.get(cluster.gateway() + "/api/items").statusCode()).isEqualTo(200);
            }
        }
    }

    private static void crash(CliCluster cluster, int step, String moment) throws Exception {
        Cli.Result crashed = cluster.cli().run(Map.of("PITSTOP_CRASH_AT", "upgrade:" + step + ":" + moment),
                "upgrade", "--to", Demo.release("1.1.0").toString(), "--yes");
        assertThat(crashed.exitCode()).as("%s", crashed).isEqualTo(137);
    }
}
