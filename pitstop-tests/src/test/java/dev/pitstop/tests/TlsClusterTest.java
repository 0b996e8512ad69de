package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.http.DevCertificate;
import dev.pitstop.http.Pem;
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

/** {@code pitstop up --tls self-signed}, used by real TLS clients: curl, Java's HttpClient and the CLI. */
class TlsClusterTest {

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
            Path otherCa = DevCertificate.ensure(dir.resolve("other")).ca();
            Cli.Result untrusted = cluster.cli().run("--cacert", otherCa.toString(), "plugin", "list");
            assertThat(untrusted.exitCode()).isEqualTo(1);
            assertThat(untrusted.err()).contains("cannot reach the admin API at " + cluster.gateway());
        }
    }
}
