package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitstop.control.AuditLog;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Named tokens through a node's admin API: who may do what, and what the audit log says of it. */
class NamedTokensTest {

    private static final String HOME_ADMIN = AdminNode.TOKEN;

    private AdminNode admin;

    @BeforeEach
    void start() {
        admin = AdminNode.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        admin.close();
    }

    @Test
    void theAuditLogNamesTheTokenNotWhatTheClientClaims() {
        String ci = create("ci", "operator");

        HttpResponse<String> created = send("POST", "/admin/backups", "{}", ci,
                "X-Pitstop-Actor", "someone-else@elsewhere", "X-Forwarded-For", "203.0.113.9");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        AuditLog.Entry entry = new AuditLog(admin.pool).latest(1).get(0);
        assertThat(entry.operation()).isEqualTo("backup create");
        assertThat(entry.actor()).isEqualTo("ci");
        AuditLog.Entry creation = new AuditLog(admin.pool).latest(2).get(1);
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
        String[] all = java.util.stream.Stream.concat(java.util.stream.Stream.of("Content-Type", "application/json"),
                java.util.Arrays.stream(headers)).toArray(String[]::new);
        return admin.send(method, path, HttpRequest.BodyPublishers.ofString(body), token, all);
    }
}
