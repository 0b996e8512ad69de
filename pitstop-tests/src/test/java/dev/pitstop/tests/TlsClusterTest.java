package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.pitstop.control.Cluster;
import dev.pitstop.control.Tokens;
import dev.pitstop.db.Database;
import dev.pitstop.db.DbSettings;
import dev.pitstop.http.DevCertificate;
import dev.pitstop.http.Pem;
import dev.pitstop.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pitstop up --tls self-signed}, used by real TLS clients: curl, Java's HttpClient and the
 * CLI, through the gateway (items and the admin API); then a node serving its admin API over HTTPS
 * itself, with plain HTTP redirected.
 */
class TlsClusterTest {

    private static final String ADMIN_TOKEN = "admin-token-for-tests";

    @TempDir
    Path dir;

    @Test
    void aClusterServedOverHttpsWorksWithClientsThatVerifyItsCertificate() throws Exception {
        Path home = dir.resolve("home");
        try (CliCluster cluster = CliCluster.up(home, 1, "1.0.0", "https")) {
            Path ca = home.resolve("tls/ca.pem");
            assertThat(cluster.gateway()).startsWith("https://");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("tls/key.pem"))))
                    .isEqualTo("rw-------");

            Process curl = new ProcessBuilder("curl", "--silent", "--show-error", "--cacert", ca.toString(),
                    "-H", "Content-Type: application/json", "-d", "{\"name\": \"over tls\"}",
                    "-o", "/dev/null", "-w", "%{http_code}", cluster.gateway() + "/api/items")
                    .redirectErrorStream(true).start();
            assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(curl.getInputStream().readAllBytes())).isEqualTo("201");

            HttpClient verifying = HttpClient.newBuilder().sslContext(Pem.trusting(ca)).build();
            HttpResponse<String> items = verifying.send(HttpRequest.newBuilder(URI.create(cluster.gateway()
                    + "/api/items")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(items.statusCode()).isEqualTo(200);
            assertThat(items.body()).contains("over tls");
            assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    cluster.gateway() + "/api/items")).build(), HttpResponse.BodyHandlers.ofString()))
                    .as("a client that does not trust the home's CA").isInstanceOf(SSLHandshakeException.class);

            HttpResponse<String> plain = Http.get(cluster.gateway().replace("https://", "http://") + "/api/items");
            assertThat(plain.statusCode()).isEqualTo(403);
            assertThat(plain.body()).contains("served over HTTPS only; use https://127.0.0.1:");

            // The CLI over HTTPS, trusting the home's CA by default, and only what --cacert names.
            assertThat(cluster.run("plugin", "list").out()).startsWith("ID");
            assertThat(cluster.run("token", "create", "dashboard", "--role", "viewer").out())
                    .startsWith("Created token dashboard (viewer)");
            assertThat(cluster.run("status").out()).contains("node-1");
            assertThat(cluster.cli().run("--cacert", ca.toString(), "plugin", "list").exitCode()).isZero();
            Process adminCurl = new ProcessBuilder("curl", "--silent", "--show-error", "--cacert", ca.toString(),
                    "-H", "Authorization: Bearer " + Files.readString(home.resolve("admin.token")).strip(),
                    "-o", "/dev/null", "-w", "%{http_code}", cluster.gateway() + "/admin/node")
                    .redirectErrorStream(true).start();
            assertThat(adminCurl.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(adminCurl.getInputStream().readAllBytes())).as("curl, the admin API through the "
                    + "gateway").isEqualTo("200");
            Path otherCa = DevCertificate.ensure(dir.resolve("other")).ca();
            Cli.Result untrusted = cluster.cli().run("--cacert", otherCa.toString(), "plugin", "list");
            assertThat(untrusted.exitCode()).isEqualTo(1);
            assertThat(untrusted.err()).contains("cannot reach the admin API at " + cluster.gateway());

            aNodesAdminApiServedOverHttpsItself(ca, home.resolve("tls"), verifying);
        }
    }

    /**
     * A node reached directly (node keys tls.*, with the home's development certificate) serves its
     * admin API over HTTPS to curl and Java's HttpClient, and redirects plain HTTP as configured.
     */
    private static void aNodesAdminApiServedOverHttpsItself(Path ca, Path tls, HttpClient verifying)
            throws Exception {
        DbSettings db = TestDatabase.create();
        try (NodeProcess node = NodeProcess.start(Demo.release("1.0.0"), db, "node-tls",
                "tls.certificate=" + tls.resolve("cert.pem"), "tls.key=" + tls.resolve("key.pem"), "tls.http=redirect");
             HikariDataSource pool = Database.pool(db, "test", 1)) {
            String https = node.url().replace("http://", "https://");
            awaitStatus(verifying, HttpRequest.newBuilder(URI.create(https + "/health/ready")), 200, node);
            new Cluster(pool).setTokenHashes(Tokens.hash(ADMIN_TOKEN), null);

            HttpResponse<String> admin = awaitStatus(verifying, HttpRequest.newBuilder(URI.create(https
                    + "/admin/node")).header("Authorization", "Bearer " + ADMIN_TOKEN), 200, node);
            assertThat(admin.body()).contains("node-tls");

            Process curl = new ProcessBuilder("curl", "--silent", "--show-error", "--cacert", ca.toString(),
                    "-H", "Authorization: Bearer " + ADMIN_TOKEN, "-o", "/dev/null", "-w", "%{http_code}",
                    https + "/admin/node").redirectErrorStream(true).start();
            assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(curl.getInputStream().readAllBytes())).isEqualTo("200");

            HttpResponse<String> plain = Http.get(node.url() + "/admin/node");
            assertThat(plain.statusCode()).isEqualTo(308);
            assertThat(plain.headers().firstValue("Location")).hasValue(https + "/admin/node");
        }
    }

    /** The answer to {@code request} once it has {@code status}; a deadline for the node to get there, not a timing. */
    private static HttpResponse<String> awaitStatus(HttpClient client, HttpRequest.Builder request, int status,
                                                    NodeProcess node) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == status) {
                    return response;
                }
                last = response.statusCode() + " " + response.body();
            } catch (java.io.IOException e) {
                last = e.toString();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + status + " from " + request.build().uri() + " (last: " + last + "):\n"
                + node.log());
    }
}
