package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

/**
 * The web console at /.pitstop/ of a real three-node cluster, in headless Chromium, and its security
 * over plain HTTP. One cluster for the class: the cases run in order, each leaving it serving, with
 * the window closed, for the next (but the plugin case, which leaves its window to the migration case).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final Pattern PROCEDURE = Pattern.compile("<section class=\"procedure\" data-id=\"\\d+\"><h2>([a-z-]+) #");

    private Path home;
    private CliCluster cluster;
    private String console;
    private String adminToken;
    private String viewerToken;
    private Browser browser;

    @BeforeAll
    void startCluster(@TempDir Path dir) throws Exception {
        home = dir;
        cluster = CliCluster.up(home, 3, "1.0.0");
        console = cluster.gateway() + "/.pitstop/";
        adminToken = Files.readString(home.resolve("admin.token")).strip();
        List<String> created = cluster.run("token", "create", "watcher", "--role", "viewer").out().strip().lines().toList();
        viewerToken = created.get(created.size() - 1).strip();
        browser = Browser.start();
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void nothingUnderTheConsoleAnswersWithoutASession() throws Exception {
        for (String path : List.of("", "events", "upgrade", "backups", "backups/download?name=x.backup", "plugins",
                "maintenance", "migration", "history", "no-such-page", "api/items")) {
            HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(console + path)).GET(), null);
            assertThat(page.statusCode()).as(path).isIn(303, 401);
            assertThat(page.body()).as(path).doesNotContain("node-1").doesNotContain("[");
        }
        HttpResponse<String> change = send(HttpRequest.newBuilder(URI.create(console + "maintenance/page/on"))
                .POST(HttpRequest.BodyPublishers.ofString("csrf=x")), null);
        assertThat(change.statusCode()).isEqualTo(401);
        assertThat(cluster.status().get("mode").asText()).isEqualTo("serving");
        assertThat(cluster.status().get("console").asText()).isEqualTo(console);
    }

    @Test
    @Order(2)
    void aChangeNeedsTheCsrfTokenAndARoleThatMayChange() throws Exception {
        HttpResponse<String> login = login(adminToken);
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/.pitstop");
        String admin = setCookie.substring(0, setCookie.indexOf(';'));
        HttpResponse<String> noCsrf = post("maintenance/page/on", "", admin);
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        assertThat(noCsrf.body()).contains("CSRF");
        HttpResponse<String> wrongCsrf = post("maintenance/page/on", "csrf=forged", admin);
        assertThat(wrongCsrf.statusCode()).isEqualTo(403);

        String viewer = cookieOf(login(viewerToken));
        String viewerCsrf = csrf(get("maintenance", viewer).body());
        for (String action : List.of("maintenance/page/on", "maintenance/window/begin", "backups", "upgrade",
                "plugins/enable", "plugins/disable", "plugins/add", "plugins/upgrade", "plugins/remove",
                "migration/check", "migration/apply")) {
            HttpResponse<String> refused = post(action, "csrf=" + viewerCsrf + "&id=items&to=1.1.0", viewer);
            assertThat(refused.statusCode()).as(action).isEqualTo(403);
            assertThat(refused.body()).as(action).contains("role viewer");
        }
        assertThat(get("backups/download?name=x.backup", viewer).statusCode()).isEqualTo(403);
        HttpResponse<String> overview = get("", viewer);
        assertThat(overview.body()).contains("node-1");
        assertThat(overview.body().getBytes(StandardCharsets.UTF_8).length).as("the first page's size").isLessThan(200_000);
        assertThat(cluster.status().get("mode").asText()).isEqualTo("serving");
        assertThat(cluster.status().get("windowOpen").asBoolean()).isFalse();
        assertThat(backups()).isEmpty();
    }

    @Test
    @Order(3)
    void loginShowsTheOverviewWithThreeReadyNodes() throws Exception {
        browser.open(console);
        browser.await("the login page", d -> d.getCurrentUrl().endsWith("/.pitstop/login"));
        browser.screenshot("login");
        browser.find("#token").sendKeys(adminToken);
        browser.find("#login button").click();
        browser.await("three ready nodes", d -> d.findElements(By.cssSelector("tr.node[data-state=ready]")).size() == 3);
        assertThat(browser.text("#mode")).isEqualTo("serving");
        assertThat(browser.text("#release")).isEqualTo("1.0.0");
        assertThat(browser.text("#user")).isEqualTo("admin (admin)");
        browser.screenshot("overview");
    }

    @Test
    @Order(4)
    void aProcedureStartedFromTheCliAppearsLiveInAnOpenPage() throws Exception {
        browser.open(console);
        Process begin = cluster.cli().start("maintenance", "begin");
        browser.await("the CLI's maintenance-begin, live", d -> d.findElements(
                By.cssSelector("#procedure[data-kind=maintenance-begin]")).size() == 1);
        browser.screenshot("overview-cli-procedure");
        assertThat(begin.waitFor()).isZero();
        browser.await("the window open, live", d -> browser.text("#window").equals("open"));
        cluster.run("plugin", "add", Demo.plugin("comments-1.0.0.jar").toString());
        cluster.run("maintenance", "end");
        browser.await("the CLI's maintenance-end done, live", d -> d.findElements(
                By.cssSelector("#procedure[data-kind=maintenance-end][data-state=succeeded]")).size() == 1
                && d.findElements(By.cssSelector("tr.node[data-state=ready]")).size() == 3);
    }

    @Test
    @Order(5)
    void aPluginChangeRefusedByThePolicyIsDoneAfterOpeningAWindowFromTheConsole() throws Exception {
        browser.open(console + "plugins");
        enable("comments");
        assertThat(browser.text("#banner")).contains("the cluster's policy allows plugin changes only inside a "
                + "maintenance window (policy.plugins: window-only)");
        browser.screenshot("plugins-refused");
        browser.find("#window-offer button").click();
        browser.await("the window open", d -> browser.text("#window").equals("open")
                && d.findElements(By.cssSelector("tr.job[data-state=succeeded]")).size() == 1);
        browser.open(console + "plugins");
        enable("comments");
        assertThat(browser.text("#banner")).startsWith("Enabled comments");
        assertThat(browser.find("tr.plugin[data-id=comments]").getAttribute("data-enabled")).isEqualTo("true");
        browser.screenshot("plugins-enabled");

        browser.find("#add-jar").sendKeys(Demo.plugin("slow-1.0.0.jar").toString());
        browser.find("form[action$='plugins/add'] button").click();
        browser.await("the jar added", d -> browser.present("#banner"));
        assertThat(browser.text("#banner")).startsWith("Added (disabled; enable it to load it) slow 1.0.0");
        assertThat(browser.find("tr.plugin[data-id=slow]").getAttribute("data-enabled")).isEqualTo("false");
        browser.find("#upgrade-jar").sendKeys(Demo.plugin("comments-1.0.0.jar").toString());
        browser.find("form[action$='plugins/upgrade'] button").click();
        browser.await("the upgrade's outcome", d -> browser.present("#banner"));
        assertThat(browser.find("#banner").getAttribute("class")).contains("error");
        assertThat(browser.text("#banner")).isEqualTo("plugin comments 1.0.0 is not newer than the installed 1.0.0");
        browser.find("tr.plugin[data-id=slow] form[action$='remove'] button").click();
        browser.await("the plugin removed", d -> browser.present("#banner"));
        assertThat(browser.text("#banner")).isEqualTo("Removed slow; its data stays");
        assertThat(browser.present("tr.plugin[data-id=slow]")).isFalse();
        assertThat(cluster.run("plugin", "list").out()).doesNotContain("slow");
    }

    /** Left open by the case before: the migration is applied in it, then the window is closed from the console. */
    @Test
    @Order(6)
    void aMigrationUploadedInTheConsoleIsPreviewedThenAppliedOnlyWhenSigned() throws Exception {
        Path file = home.resolve("self.migration");
        cluster.run("migration", "create", "--output", file.toString());
        Path tampered = home.resolve("tampered.migration");
        byte[] bytes = Files.readAllBytes(file);
        // The signature's last byte, before the 16-byte trailer: the content is intact, the signature is not.
        bytes[bytes.length - 17] ^= 1;
        Files.write(tampered, bytes);

        browser.open(console + "migration");
        browser.find("#migration-file").sendKeys(tampered.toString());
        browser.find("form[action$='migration/check'] button").click();
        browser.await("the refusal", d -> browser.present("#banner"));
        assertThat(browser.text("#banner")).contains("tampered.migration").contains("signature");
        assertThat(browser.present("#migration-preview")).isFalse();
        browser.screenshot("migration-refused");

        browser.find("#migration-file").sendKeys(file.toString());
        browser.find("form[action$='migration/check'] button").click();
        browser.await("the preview", d -> browser.present("#migration-preview"));
        assertThat(browser.driver().findElements(By.cssSelector("tr.migration-table"))).isNotEmpty();
        assertThat(browser.text("tr.migration-table[data-table='app.items']")).contains("schema-only");
        assertThat(browser.text("#migration-statements")).startsWith("None");
        browser.screenshot("migration-preview");
        browser.find("form[action$='migration/apply'] button").click();
        browser.await("the migration applied", d -> d.findElements(
                By.cssSelector("#procedure[data-kind=migration-apply][data-state=succeeded]")).size() == 1);
        assertThat(cluster.run("migration", "logs").out()).contains("self.migration");

        browser.open(console + "maintenance");
        browser.screenshot("maintenance");
        browser.find("form[action$='window/end'] button").click();
        browser.await("the window closed and three nodes ready", d -> browser.text("#window").equals("closed")
                && d.findElements(By.cssSelector("tr.node[data-state=ready]")).size() == 3);
    }

    @Test
    @Order(7)
    void aBackupCreatedInTheConsoleDownloadsWithTheChecksumOfItsFile() throws Exception {
        browser.open(console + "backups");
        browser.find("form[action$='/backups'] button").click();
        browser.await("the backup written", d -> d.findElements(By.cssSelector("tr.job[data-state=succeeded]")).stream()
                .anyMatch(row -> row.getText().contains("backup create")));
        browser.open(console + "backups");
        String name = browser.find("tr.backup").getAttribute("data-name");
        browser.screenshot("backups");
        String cookie = Sessions.COOKIE + "=" + browser.driver().manage().getCookieNamed(Sessions.COOKIE).getValue();
        HttpResponse<byte[]> download = HTTP.send(HttpRequest.newBuilder(URI.create(console + "backups/download?name="
                + URLEncoder.encode(name, StandardCharsets.UTF_8))).header("Cookie", cookie).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(sha256(download.body())).isEqualTo(sha256(Files.readAllBytes(home.resolve("backups").resolve(name))));

        browser.find("tr.backup[data-name='" + name + "'] form[action$='verify'] button").click();
        browser.await("the backup verified", d -> d.findElements(By.cssSelector("tr.job[data-state=succeeded]")).stream()
                .anyMatch(row -> row.getText().contains("backup verify")));
        browser.open(console + "backups");
        browser.find("tr.backup[data-name='" + name + "'] input[name=confirm]").sendKeys("not-the-name");
        browser.find("tr.backup[data-name='" + name + "'] form[action$='restore'] button").click();
        browser.await("the refusal", d -> browser.present("#banner"));
        assertThat(browser.text("#banner")).startsWith("restore not confirmed: type the backup's name");
        assertThat(cluster.status().get("mode").asText()).isEqualTo("serving");
    }

    @Test
    @Order(8)
    void anUpgradeStartedInTheConsoleIsFollowedLiveToItsEndThroughAPauseForVerification() throws Exception {
        browser.open(console + "upgrade");
        new Select(browser.find("#to")).selectByVisibleText("1.1.0");
        browser.find("#plan").click();
        assertThat(browser.present("#preflight")).isTrue();
        browser.screenshot("upgrade-plan");
        browser.find("#pause").click();
        browser.find("form[action$='/upgrade'] button.primary").click();
        browser.await("a step of the upgrade running", d -> d.findElements(
                By.cssSelector("#procedure[data-kind=upgrade] ~ #steps tr.step[data-state=running]")).size() == 1);
        browser.screenshot("overview-during-upgrade");
        browser.await("the upgrade paused for verification", d -> d.findElements(
                By.cssSelector("#procedure[data-kind=upgrade][data-state=paused]")).size() == 1
                && browser.present("#choices"));
        browser.screenshot("overview-paused");
        browser.click("#choices form[action$='resume'] button");
        browser.await("the upgrade done", d -> d.findElements(
                By.cssSelector("#procedure[data-kind=upgrade][data-state=succeeded]")).size() == 1);
        browser.await("three ready nodes", d -> d.findElements(By.cssSelector("tr.node[data-state=ready]")).size() == 3);
        assertThat(browser.text("#release")).isEqualTo("1.1.0");
        assertThat(browser.driver().findElements(By.cssSelector("#steps tr.step[data-state=done]"))).hasSizeGreaterThan(5);
        browser.screenshot("overview-after-upgrade");
        browser.open(console + "history");
        assertThat(browser.present("section.procedure svg.timeline")).isTrue();
        browser.screenshot("history");
        assertThat(cluster.nodeVersions()).containsOnly("ready 1.1.0");
    }

    /** The text typed in the console is what the gateway's 503 page says, escaped, until the page comes down. */
    @Test
    @Order(9)
    void theStatusPageTextSetInTheConsoleIsWhatTheGatewayServes() throws Exception {
        browser.open(console + "maintenance");
        browser.find("#page-text").sendKeys("Back at 14:00 UTC.\n<b>Orders</b> are kept");
        browser.find("form[action$='page/on'] button").click();
        browser.await("the page up", d -> browser.text("#banner").startsWith("The status page is up"));

        String items = cluster.gateway() + "/api/items";
        // The gateway follows the cluster mode when the database notifies it, a moment after the commit.
        browser.await("the gateway's status page", d -> Http.get(items).statusCode() == 503);
        HttpResponse<String> page = Http.get(items);
        assertThat(page.body()).contains("<p>Back at 14:00 UTC.</p>", "<p>&lt;b&gt;Orders&lt;/b&gt; are kept</p>");
        assertThat(page.headers().firstValue("Retry-After")).isPresent();

        browser.find("form[action$='page/off'] button").click();
        // The page before the click has a banner too: the new one says the page came down.
        browser.await("the page down", d -> browser.text("#banner").startsWith("The status page is down"));
        browser.await("the gateway back on the nodes", d -> Http.get(items).statusCode() == 200);
    }

    /**
     * The history filtered by kind, outcome and UTC days, against the journal of the cases before: two
     * maintenance ends (the CLI's, the console's), one upgrade, nothing rolled back, nothing in the future.
     */
    @Test
    @Order(10)
    void theHistoryFiltersByKindOutcomeAndDay() throws Exception {
        String cookie = cookieOf(login(adminToken));
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String days = "&from=" + today.minusDays(1) + "&to=" + today;

        assertThat(procedures(cookie, "kind=upgrade&outcome=succeeded" + days)).containsExactly("upgrade");
        assertThat(procedures(cookie, "kind=maintenance-end&outcome=succeeded" + days))
                .containsExactly("maintenance-end", "maintenance-end");
        assertThat(procedures(cookie, "outcome=rolled-back")).isEmpty();
        assertThat(procedures(cookie, "from=" + today.plusDays(1))).isEmpty();
        assertThat(procedures(cookie, "to=2020-01-01")).isEmpty();
        assertThat(procedures(cookie, "")).contains("upgrade", "migration-apply", "maintenance-begin");

        HttpResponse<String> bad = get("history?kind=upgrade&from=yesterday", cookie);
        assertThat(bad.body()).contains("history filter: &#39;from&#39; must be a day as YYYY-MM-DD, got &#39;yesterday&#39;");
        assertThat(bad.body()).contains("data-id=");
    }

    /** The kinds of the procedures the history page shows for {@code query}, newest first. */
    private List<String> procedures(String cookie, String query) throws Exception {
        HttpResponse<String> page = get("history?" + query, cookie);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).as(query).doesNotContain("class=\"banner error");
        List<String> kinds = new ArrayList<>();
        Matcher matcher = PROCEDURE.matcher(page.body());
        while (matcher.find()) {
            kinds.add(matcher.group(1));
        }
        return kinds;
    }

    @Test
    @Order(11)
    void everyPageIsKeyboardReachableAndFitsAPhone() throws Exception {
        browser.open(console);
        List<String> reached = new ArrayList<>();
        for (int i = 0; i < 12 && !reached.contains("logout"); i++) {
            new Actions(browser.driver()).sendKeys(Keys.TAB).perform();
            WebElement focused = browser.driver().switchTo().activeElement();
            reached.add(focused.getAttribute("id").isEmpty() ? focused.getText() : focused.getAttribute("id"));
        }
        assertThat(reached).startsWith("Skip to the page", "Overview", "Upgrade", "Backups", "Plugins", "Maintenance",
                "Migration", "History").contains("logout");
        WebElement plugins = browser.driver().findElement(By.linkText("Plugins"));
        browser.script("arguments[0].focus();", plugins);
        new Actions(browser.driver()).sendKeys(Keys.ENTER).perform();
        browser.await("the plugins page, by keyboard", d -> d.getCurrentUrl().endsWith("/.pitstop/plugins"));

        browser.driver().manage().window().setSize(new Dimension(390, 844));
        try {
            for (String page : List.of("", "upgrade", "backups", "plugins", "maintenance", "migration", "history")) {
                browser.open(console + page);
                Long overflow = (Long) browser.script(
                        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
                assertThat(overflow).as("horizontal overflow of /.pitstop/%s at 390×844", page).isLessThanOrEqualTo(0L);
                if (page.isEmpty() || page.equals("plugins")) {
                    browser.screenshot("phone-" + (page.isEmpty() ? "overview" : page));
                }
            }
        } finally {
            browser.driver().manage().window().setSize(new Dimension(1280, 800));
        }
    }

    @Test
    @Order(12)
    void logoutEndsTheSession() throws Exception {
        browser.open(console);
        String cookie = Sessions.COOKIE + "=" + browser.driver().manage().getCookieNamed(Sessions.COOKIE).getValue();
        browser.find("#logout").click();
        browser.await("the login page", d -> d.getCurrentUrl().endsWith("/.pitstop/login"));
        assertThat(get("", cookie).statusCode()).isEqualTo(303);
    }

    @Test
    @Order(13)
    void repeatedFailedLoginsFromAnAddressAreRefusedForAWhileEvenWithTheRightToken() throws Exception {
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> wrong = post("login", "token=wrong-" + i, null);
            assertThat(wrong.statusCode()).isEqualTo(401);
        }
        HttpResponse<String> refused = post("login", "token=" + URLEncoder.encode(adminToken, StandardCharsets.UTF_8),
                null);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.body()).contains("5 failed logins from 127.0.0.1 within 5 minutes; try again in");
        assertThat(refused.headers().firstValue("Set-Cookie")).isEmpty();
    }

    private List<Path> backups() throws Exception {
        Path dir = home.resolve("backups");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.toList();
        }
    }

    private void enable(String id) {
        browser.find("tr.plugin[data-id=" + id + "] form[action$='enable'] button").click();
        browser.await("the outcome", d -> browser.present("#banner"));
    }

    private HttpResponse<String> login(String token) throws Exception {
        HttpResponse<String> login = post("login", "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8), null);
        assertThat(login.statusCode()).isEqualTo(303);
        return login;
    }

    private static String cookieOf(HttpResponse<String> login) {
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private static String csrf(String html) {
        Matcher matcher = CSRF.matcher(html);
        assertThat(matcher.find()).as("a CSRF field in %s", html).isTrue();
        return matcher.group(1);
    }

    private HttpResponse<String> get(String path, String cookie) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(console + path)).GET(), cookie);
    }

    private HttpResponse<String> post(String path, String form, String cookie) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(console + path)).header("Content-Type",
                "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)), cookie);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request, String cookie) throws Exception {
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** The console's cookie, as the browser keeps it. */
    private static final class Sessions {
        static final String COOKIE = "pitstop-console";
    }
}
