package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitstop.backup.Fingerprint;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The version upgrade on one three-node cluster with data, in order: a failing verification check
 * rolls back, 1.0.0 to 1.1.0 succeeds while clients poll, the broken release rolls back to an
 * identical database, and two upgrades started at once do not both run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UpgradeTest {

    private static final int ITEMS = 20;

    @TempDir
    static Path home;

    private CliCluster cluster;

    @BeforeAll
    void up() throws Exception {
        cluster = CliCluster.up(home, 3, "1.0.0");
        cluster.createItems(ITEMS);
    }

    @AfterAll
    void down() throws Exception {
        cluster.close();
    }

    @Test
    @Order(1)
    void aFailingVerificationCheckRollsBack() throws Exception {
        Fingerprint before = cluster.fingerprint();
        Files.writeString(home.resolve("pitstop.yml"), """
                checks:
                  - path: /api/info
                    body-contains: '"version":"1.0.0"'
                """);
        try {
            Cli.Result upgrade = cluster.cli().run("upgrade", "--to", Demo.release("1.1.0").toString(), "--yes");

            assertThat(upgrade.exitCode()).as("%s", upgrade).isEqualTo(1);
            assertThat(upgrade.err()).contains("rolled back to 1.0.0", "check", "failed on node-1");
        } finally {
            Files.delete(home.resolve("pitstop.yml"));
        }
        assertThat(cluster.nodeVersions()).containsOnly("ready 1.0.0");
        assertThat(cluster.fingerprint().differences(before)).isEmpty();
    }

    @Test
    @Order(2)
    void upgradesWithEveryItemKeptWhileClientsSeeOnly200OrTheStatusPage() throws Exception {
        Poller poller = Poller.start(cluster.gateway() + "/api/items");

        Cli.Result upgrade = cluster.run("upgrade", "--to", Demo.release("1.1.0").toString(), "--yes");

        List<String> unexpected = poller.stop();
        assertThat(unexpected).isEmpty();
        assertThat(poller.pages.get()).as("clients saw the status page").isPositive();
        assertThat(upgrade.out()).contains("upgraded to 1.1.0", "downtime");
        JsonNode items = Http.json(Http.get(cluster.gateway() + "/api/items"));
        assertThat(items).hasSize(ITEMS);
        for (JsonNode item : items) {
            assertThat(item.get("sku").asText()).isEqualTo("ITEM-" + item.get("id").asLong());
        }
        assertThat(cluster.nodeVersions()).containsExactly("ready 1.1.0", "ready 1.1.0", "ready 1.1.0");
        assertThat(cluster.status().get("release").asText()).isEqualTo("1.1.0");
    }

    @Test
    @Order(3)
    void aFailingMigrationRollsBackToAnIdenticalDatabase() throws Exception {
        Fingerprint before = cluster.fingerprint();
        Poller poller = Poller.start(cluster.gateway() + "/api/items");

        Cli.Result upgrade = cluster.cli().run("upgrade", "--to", Demo.release("1.2.0-broken").toString(), "--yes");

        assertThat(poller.stop()).isEmpty();
        assertThat(upgrade.exitCode()).as("%s", upgrade).isEqualTo(1);
        assertThat(upgrade.err()).contains("rolled back to 1.1.0", "V4__price_history.sql", "demo: broken migration");
        assertThat(cluster.nodeVersions()).containsExactly("ready 1.1.0", "ready 1.1.0", "ready 1.1.0");
        assertThat(cluster.fingerprint().differences(before)).isEmpty();
        assertThat(cluster.status().get("release").asText()).isEqualTo("1.1.0");
    }

    @Test
    @Order(4)
    void ofTwoUpgradesStartedAtOnceOneRunsAndTheOtherIsRefused() throws Exception {
        String target = Demo.release("1.2.0-broken").toString();
        CompletableFuture<Cli.Result> first = CompletableFuture.supplyAsync(() -> upgrade(target));
        CompletableFuture<Cli.Result> second = CompletableFuture.supplyAsync(() -> upgrade(target));

        List<Cli.Result> results = List.of(first.get(), second.get());

        List<Integer> codes = results.stream().map(Cli.Result::exitCode).sorted().toList();
        assertThat(codes).as("%s", results).containsExactly(1, 3);
        Cli.Result refused = results.stream().filter(r -> r.exitCode() == 3).findFirst().orElseThrow();
        // Either the other upgrade is already in the journal ("runs: upgrade #n") or it holds the lock
        // and is still writing its record ("is starting (pitstop upgrade by ...)"): both name it.
        assertThat(refused.err()).contains("another procedure", "upgrade");
        assertThat(cluster.nodeVersions()).containsOnly("ready 1.1.0");
    }

    private Cli.Result upgrade(String target) {
        try {
            return cluster.cli().run("upgrade", "--to", target, "--yes");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client polling through the gateway, counting answers that are neither 200 nor the status page. */
    static final class Poller {

        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger pages = new AtomicInteger();
        private final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
        private Thread thread;

        static Poller start(String url) {
            return start(() -> Http.get(url), body -> false);
        }

        /** The same, also counting as unexpected a 200 whose body {@code unexpectedBody} accepts. */
        static Poller start(String url, Predicate<String> unexpectedBody) {
            return start(() -> Http.get(url), unexpectedBody);
        }

        /** Polling with {@code get}, e.g. a client of its own. */
        static Poller start(Supplier<HttpResponse<String>> get) {
            return start(get, body -> false);
        }

        private static Poller start(Supplier<HttpResponse<String>> get, Predicate<String> unexpectedBody) {
            Poller poller = new Poller();
            poller.thread = new Thread(() -> {
                while (poller.running.get()) {
                    try {
                        HttpResponse<String> response = get.get();
                        if (response.statusCode() == 503 && response.body().contains("Down for maintenance")
                                && response.headers().firstValue("Retry-After").isPresent()) {
                            poller.pages.incrementAndGet();
                        } else if (response.statusCode() != 200 || unexpectedBody.test(response.body())) {
                            poller.unexpected.add(response.statusCode() + " " + response.body());
                        }
                    } catch (RuntimeException e) {
                        poller.unexpected.add(e.toString());
                    }
                    NodeProcess.sleep(20);
                }
            }, "poller");
            poller.thread.start();
            return poller;
        }

        /** How many times it got the status page. */
        int pagesSeen() {
            return pages.get();
        }

        List<String> stop() throws InterruptedException {
            running.set(false);
            thread.join();
            return List.copyOf(unexpected);
        }
    }
}
