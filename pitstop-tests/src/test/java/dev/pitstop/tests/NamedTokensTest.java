package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.pitstop.control.AuditLog;
import dev.pitstop.control.Cluster;
import dev.pitstop.control.Tokens;
import dev.pitstop.db.Database;
import dev.pitstop.db.DbSettings;
import dev.pitstop.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Named tokens through a node's admin API: who may do what, and what the audit log says of it. */
class NamedTokensTest {

    private static final String HOME_ADMIN = "home-admin-token-for-tests";
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private NodeProcess node;
    private HikariDataSource pool;

    @BeforeEach
    void start() {
        DbSettings db = TestDatabase.create();
        node = NodeProcess.start(Demo.release("1.0.0"), db, "node-1");
        node.awaitReady();
        pool = Database.pool(db, "test", 2);
        new Cluster(pool).setTokenHashes(Tokens.hash(HOME_ADMIN), null);
    }

    @AfterEach
    void stop() throws InterruptedException {
        node.close();
        pool.close();
    }

    @Test
    void theAuditLogNamesTheTokenNotWhatTheClientClaims() {
        String ci = create("ci", "operator");

        HttpResponse<String> created = send("POST", "/admin/backups", "{}", ci,
                "X-Pitstop-Actor", "someone-else@elsewhere", "X-Forwarded-For", "203.0.113.9");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        AuditLog.Entry entry = new AuditLog(pool).latest(1).get(0);
        assertThat(entry.operation()).isEqualTo("backup create");
        assertThat(entry.actor()).isEqualTo("ci");
        AuditLog.Entry creation = new AuditLog(pool).latest(2).get(1);
        assertThat(creation.operation()).isEqualTo("token create");
        assertThat(creation.actor()).isEqualTo("admin");
        assertThat(creation.target()).isEqualTo("ci");
    }

    @Test
    void eachRoleDoesWhatItMayAndNoMore() {
        String viewer = create("dashboard", "viewer");
        String operator = create("ci", "operator");

        assertThat(send("GET", "/admin/plugins", "", viewer).statusCode()).isEqualTo(200);
        HttpResponse<String> viewerChanges = send("POST", "/admin/backups", "{}", viewer);
        assertThat(viewerChanges.statusCode()).isEqualTo(403);
        assertThat(Http.json(viewerChanges).get("error").asText()).isEqualTo("the token 'dashboard' has the role viewer,"
                + " which may not change plugins or backups; use a token with the role operator or admin");
        assertThat(send("POST", "/admin/backups", "{}", operator).statusCode()).isEqualTo(201);
        HttpResponse<String> operatorMakesTokens = send("POST", "/admin/tokens", "{\"name\": \"mine\"}", operator);
        assertThat(operatorMakesTokens.statusCode()).isEqualTo(403);
        assertThat(Http.json(operatorMakesTokens).get("error").asText()).endsWith("may not manage tokens; use a token with"
                + " the role admin");
    }

    @Test
    void aRotatedOrRevokedTokenStopsWorkingAndAnEmptyOneNeverWorks() {
        String old = create("ci", "operator");

        HttpResponse<String> rotated = send("POST", "/admin/tokens/ci/rotate", "", HOME_ADMIN);
        String fresh = Http.json(rotated).get("token").asText();

        assertThat(send("GET", "/admin/node", "", old).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/admin/node", "", fresh).statusCode()).isEqualTo(200);
        JsonNode list = Http.json(send("GET", "/admin/tokens", "", HOME_ADMIN));
        assertThat(list.toString()).doesNotContain(fresh);
        assertThat(send("DELETE", "/admin/tokens/ci", "", HOME_ADMIN).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/admin/node", "", fresh).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/admin/node", "", "").statusCode()).isEqualTo(401);
        assertThat(send("DELETE", "/admin/tokens/admin", "", HOME_ADMIN).statusCode()).isEqualTo(409);
    }

    private String create(String name, String role) {
        HttpResponse<String> created = send("POST", "/admin/tokens",
                "{\"name\": \"" + name + "\", \"role\": \"" + role + "\"}", HOME_ADMIN);
        for (int attempt = 0; created.statusCode() == 401 && attempt < 50; attempt++) {
            // the node reads the cluster row's admin hash on its next refresh
            NodeProcess.sleep(100);
            created = send("POST", "/admin/tokens", "{\"name\": \"" + name + "\", \"role\": \"" + role + "\"}", HOME_ADMIN);
        }
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return Http.json(created).get("token").asText();
    }

    private HttpResponse<String> send(String method, String path, String body, String token, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.url() + path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
