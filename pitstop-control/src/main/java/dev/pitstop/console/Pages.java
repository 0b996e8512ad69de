package dev.pitstop.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitstop.backup.BackupCatalog;
import dev.pitstop.backup.BackupInfo;
import dev.pitstop.control.ApplicationPlugins;
import dev.pitstop.control.AuditLog;
import dev.pitstop.control.ClusterMode;
import dev.pitstop.control.Policy;
import dev.pitstop.control.ProcedureJournal;
import dev.pitstop.control.ProcedureRecord;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.procedure.ProcessPlugins;
import dev.pitstop.procedure.UpgradePreflight;
import dev.pitstop.release.Release;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/** The console's pages, rendered on the server from the control schema, the backups directory and the admin API. */
final class Pages {

    static final String LOGIN_FORM = "<form method=\"post\" action=\"/.pitstop/login\" id=\"login\">"
            + "<label for=\"token\">API token</label><input id=\"token\" name=\"token\" type=\"password\" "
            + "autocomplete=\"current-password\" required autofocus size=\"40\">"
            + "<button type=\"submit\" class=\"primary\">Log in</button></form>"
            + "<p>The admin token is in HOME/admin.token; named tokens come from 'pitstop token create NAME --role "
            + "viewer|operator|admin'. A viewer sees everything and changes nothing.</p>";

    private final ConsoleCluster cluster;
    private final LiveFragment live;

    Pages(ConsoleCluster cluster, LiveFragment live) {
        this.cluster = cluster;
        this.live = live;
    }

    void overview(Exchange exchange, Sessions.Session session, Html.Banner banner) {
        exchange.html(200, Html.page("Overview", session, banner, "<section id=\"live\" aria-live=\"polite\">"
                + Html.withCsrf(live.render(), session.csrf()) + "</section>"));
    }

    void upgrade(Exchange exchange, Sessions.Session session, Html.Banner banner) {
        String installed = cluster.installedVersion();
        StringBuilder body = new StringBuilder("<p>The cluster runs release <strong>").append(Html.text(installed))
                .append("</strong>. Releases in ").append(Html.text(cluster.releasesDir())).append(":</p>")
                .append("<form method=\"get\" action=\"/.pitstop/upgrade\"><label for=\"to\">Upgrade to</label>"
                        + "<select id=\"to\" name=\"to\">");
        String chosen = exchange.query("to");
        for (Release release : cluster.releases()) {
            String name = release.dir().getFileName().toString();
            body.append("<option value=\"").append(Html.text(name)).append("\"")
                    .append(name.equals(chosen) ? " selected" : "").append(">").append(Html.text(release.version()))
                    .append("</option>");
        }
        body.append("</select><button type=\"submit\" id=\"plan\">Preflight and plan</button></form>");
        if (chosen != null) {
            body.append(plan(session, release(cluster, chosen), installed));
        }
        exchange.html(200, Html.page("Upgrade", session, banner, body.toString()));
    }

    /** As 'pitstop upgrade --plan': the preflight's checks and the steps, then the button that starts it. */
    private String plan(Sessions.Session session, Release target, String installed) {
        List<UpgradePreflight.Check> checks = cluster.procedures().upgradePreflight().run(target, installed,
                cluster.home().backupsDir());
        StringBuilder html = new StringBuilder("<h2>Upgrade ").append(Html.text(installed)).append(" → ")
                .append(Html.text(target.version())).append("</h2><p>Offline: the cluster answers with the status page "
                        + "until the first node runs the new release and is verified.</p><table id=\"preflight\"><tbody>");
        for (UpgradePreflight.Check check : checks) {
            html.append("<tr><td class=\"state-").append(check.passed() ? "done" : "failed").append("\">")
                    .append(check.passed() ? "ok" : "refused").append("</td><td>").append(Html.text(check.name()))
                    .append("</td><td>").append(Html.text(check.detail())).append("</td></tr>");
        }
        html.append("</tbody></table><h2>Steps</h2><ol id=\"plan-steps\">");
        cluster.procedures().upgrade().to(target.dir(), cluster.currentRelease(), cluster.home().backupsDir(), false).steps()
                .forEach(step -> html.append("<li>").append(Html.text(step.name())).append("</li>"));
        html.append("</ol>");
        if (checks.stream().allMatch(UpgradePreflight.Check::passed)) {
            html.append(Html.form(session, "/.pitstop/upgrade", "<input type=\"hidden\" name=\"to\" value=\""
                    + Html.text(target.dir().getFileName()) + "\"><label><input type=\"checkbox\" name=\"pause\" "
                    + "id=\"pause\"> pause for verification once the first node runs it</label>",
                    "Start the upgrade to " + target.version(), "primary"));
        }
        return html.toString();
    }

    /** A release of the releases directory by its directory name: nothing else may be named from a form. */
    static Release release(ConsoleCluster cluster, String name) {
        return cluster.releases().stream().filter(r -> r.dir().getFileName().toString().equals(name)).findFirst()
                .orElseThrow(() -> OperationException.invalid("no release '" + name + "' in " + cluster.releasesDir()));
    }

    void backups(Exchange exchange, Sessions.Session session, Html.Banner banner) {
        BackupCatalog catalog = new BackupCatalog(cluster.home().backupsDir());
        StringBuilder body = new StringBuilder(Html.form(session, "/.pitstop/backups", "", "Create a backup", "primary"))
                .append("<table id=\"backups\"><thead><tr><th>Name</th><th>Size</th><th>Release</th><th>Created</th>"
                        + "<th>Encrypted</th><th>Verify</th><th>Restore</th></tr></thead><tbody>");
        for (BackupInfo info : catalog.list()) {
            body.append("<tr class=\"backup\" data-name=\"").append(Html.text(info.name())).append("\"><td>")
                    .append("<a href=\"/.pitstop/backups/download?name=").append(Html.text(urlEncoded(info.name())))
                    .append("\">").append(Html.text(info.name())).append("</a></td><td>").append(info.size())
                    .append("</td><td>");
            if (info.problem() != null) {
                body.append("unreadable: ").append(Html.text(info.problem())).append("</td><td colspan=\"4\"></td></tr>");
                continue;
            }
            String nameField = "<input type=\"hidden\" name=\"name\" value=\"" + Html.text(info.name()) + "\">";
            body.append(Html.text(info.release())).append("</td><td>")
                    .append(info.createdAt().truncatedTo(ChronoUnit.SECONDS)).append("</td><td>")
                    .append(info.encrypted() ? "yes" : "no").append("</td><td>")
                    .append(Html.form(session, "/.pitstop/backups/verify", nameField, "Verify", ""))
                    .append("</td><td>").append(Html.form(session, "/.pitstop/backups/restore", nameField
                            + "<input name=\"confirm\" aria-label=\"type the backup's name to restore it\" "
                            + "placeholder=\"type the name to confirm\" autocomplete=\"off\" size=\"18\">",
                            "Restore", "danger")).append("</td></tr>");
        }
        body.append("</tbody></table><p>Backups are in ").append(Html.text(catalog.dir()))
                .append("; a download is the file itself, byte for byte. A restore replaces all the application's "
                        + "data (after a safety backup of the current data): type the backup's name to confirm.</p>");
        exchange.html(200, Html.page("Backups", session, banner, body.toString()));
    }

    void plugins(Exchange exchange, Sessions.Session session, Html.Banner banner) {
        Policy policy = cluster.cluster().policy();
        StringBuilder body = new StringBuilder("<p id=\"plugin-policy\">Policy: plugins ")
                .append(Html.text(policy.plugins())).append("; maintenance window ")
                .append(policy.windowOpen() ? "open" : "closed").append(".</p>");
        if (policy.pluginChangeRefusal() != null && Policy.WINDOW_ONLY.equals(policy.plugins())) {
            body.append("<div id=\"window-offer\">Plugin changes need a maintenance window: ")
                    .append(Html.form(session, "/.pitstop/maintenance/window/begin", "", "Open a maintenance window",
                            "")).append("</div>");
        }
        Optional<ProcessPlugins> process = cluster.processPlugins(Actions.operator(exchange, session, "plugin list"),
                new PrintStream(OutputStream.nullOutputStream()));
        if (process.isPresent()) {
            processPlugins(process.get(), session, body);
            exchange.html(200, Html.page("Plugins", session, banner, body.toString()));
            return;
        }
        JsonNode plugins = cluster.admin(session).plugins();
        body.append("<div class=\"uploads\">").append(Html.uploadForm(session, "/.pitstop/plugins/add",
                        "<label for=\"add-jar\">Add a plugin</label><input type=\"file\" id=\"add-jar\" name=\"jar\" "
                                + "required accept=\".jar\">", "Add", "primary"))
                .append(Html.uploadForm(session, "/.pitstop/plugins/upgrade", "<label for=\"upgrade-jar\">Upgrade a "
                        + "plugin to the version in</label><input type=\"file\" id=\"upgrade-jar\" name=\"jar\" required "
                        + "accept=\".jar\">", "Upgrade", "")).append("</div>");
        body.append("<table id=\"plugins\"><thead><tr><th>Plugin</th><th>Version</th><th>Enabled</th><th>Source</th>"
                + "<th>Change</th></tr></thead><tbody>");
        for (JsonNode plugin : plugins) {
            String id = plugin.path("id").asText();
            boolean enabled = plugin.path("enabled").asBoolean();
            String idField = "<input type=\"hidden\" name=\"id\" value=\"" + Html.text(id) + "\">";
            body.append("<tr class=\"plugin\" data-id=\"").append(Html.text(id)).append("\" data-enabled=\"")
                    .append(enabled).append("\"><td>").append(Html.text(id)).append("</td><td>")
                    .append(Html.text(plugin.path("version").asText())).append("</td><td>").append(enabled ? "yes" : "no")
                    .append("</td><td>").append(plugin.path("bundled").asBoolean() ? "bundled" : "added")
                    .append("</td><td>").append(enabled
                            ? Html.form(session, "/.pitstop/plugins/disable", idField, "Disable", "")
                            : Html.form(session, "/.pitstop/plugins/enable", idField, "Enable", "primary")
                            + Html.form(session, "/.pitstop/plugins/remove", idField + "<label><input type=\"checkbox\" "
                                    + "name=\"drop-data\"> and its data</label>", "Remove", "danger"))
                    .append("</td></tr>");
        }
        body.append("</tbody></table><p>An added plugin is stored disabled; enable it to load it on every node. "
                + "Only a disabled plugin can be removed; its data stays unless you tick 'and its data'.</p>");
        exchange.html(200, Html.page("Plugins", session, banner, body.toString()));
    }

    /**
     * The plugins of a release whose nodes are processes (NocoBase), from its declared query, with
     * enable and disable as 'pitstop plugin' does them; adding and removing take a package name on the CLI.
     */
    private static void processPlugins(ProcessPlugins plugins, Sessions.Session session, StringBuilder body) {
        body.append("<p id=\"process-plugins\">This release runs its own application on the nodes: a change runs "
                + "the release's plugin command on the node that serves, then the other running nodes restart one "
                + "at a time to load it (inside a maintenance window they load it when the window ends). It takes a "
                + "minute or more; it shows on the overview as it runs. Add and remove with 'pitstop plugin add|remove "
                + "NAME'.</p>");
        if (!plugins.listsTyped()) {
            body.append("<p>The release declares no plugin query (node.plugins.query): 'pitstop plugin list' shows "
                    + "its plugins.</p>");
            return;
        }
        body.append("<table id=\"plugins\"><thead><tr><th>Plugin</th><th>Version</th><th>Enabled</th><th>Built in</th>"
                + "<th>Change</th></tr></thead><tbody>");
        for (ApplicationPlugins.Plugin plugin : plugins.list()) {
            String idField = "<input type=\"hidden\" name=\"id\" value=\"" + Html.text(plugin.id()) + "\">";
            body.append("<tr class=\"plugin\" data-id=\"").append(Html.text(plugin.id())).append("\" data-enabled=\"")
                    .append(plugin.enabled()).append("\"><td>").append(Html.text(plugin.id())).append("</td><td>")
                    .append(Html.text(plugin.version() == null ? "" : plugin.version())).append("</td><td>")
                    .append(plugin.enabled() ? "yes" : "no").append("</td><td>")
                    .append(plugin.builtIn() ? "yes" : "no").append("</td><td>")
                    .append(plugin.enabled() ? Html.form(session, "/.pitstop/plugins/disable", idField, "Disable", "")
                            : Html.form(session, "/.pitstop/plugins/enable", idField, "Enable", "primary"))
                    .append("</td></tr>");
        }
        body.append("</tbody></table>");
    }

    void maintenance(Exchange exchange, Sessions.Session session, Html.Banner banner) {
        ClusterMode mode = cluster.cluster().mode();
        boolean window = cluster.cluster().policy().windowOpen();
        String body = "<h2>Status page</h2><p id=\"page-state\">" + (mode.maintenance()
                ? "Up: clients get 503 with " + (mode.pageHtml() == null ? "the default page" : "your page")
                + " (Retry-After: " + mode.retryAfterSeconds() + " s)." : "Down: clients reach the nodes.") + "</p>"
                + (mode.maintenance() ? Html.form(session, "/.pitstop/maintenance/page/off", "", "Take the page down", "")
                : Html.form(session, "/.pitstop/maintenance/page/on", "<label for=\"page-text\">What clients read "
                        + "(plain text, a paragraph a line; empty for the default page)</label><textarea id=\"page-text\" "
                        + "name=\"text\" rows=\"2\" cols=\"40\" maxlength=\"2000\"></textarea><label for=\"retry-after\">"
                        + "Retry-After (s)</label><input type=\"number\" id=\"retry-after\" name=\"retry-after\" min=\"1\" "
                        + "max=\"86400\" value=\"" + Actions.RETRY_AFTER_SECONDS + "\" size=\"5\">", "Put the page up",
                        "danger"))
                + "<h2>Maintenance window</h2><p id=\"window-state\">" + (window
                ? "Open: the cluster runs on one node; plugin changes are allowed." : "Closed.") + "</p>"
                + (window ? Html.form(session, "/.pitstop/maintenance/window/end", "", "End the window", "primary")
                : Html.form(session, "/.pitstop/maintenance/window/begin", "", "Begin a window", ""));
        exchange.html(200, Html.page("Maintenance", session, banner, body));
    }

    void history(Exchange exchange, Sessions.Session session, Html.Banner banner) {
        HistoryFilter filter = new HistoryFilter(exchange.query("kind"), exchange.query("outcome"),
                exchange.query("from"), exchange.query("to"));
        List<ProcedureRecord> procedures;
        try {
            procedures = new ProcedureJournal(cluster.controlDb()).latest(filter.journalFilter(), 20);
        } catch (OperationException e) {
            // A bad filter shows the whole history, with the reason, rather than nothing.
            banner = Html.Banner.error(e.getMessage());
            filter = new HistoryFilter(null, null, null, null);
            procedures = new ProcedureJournal(cluster.controlDb()).latest(20);
        }
        StringBuilder body = new StringBuilder(filter.form());
        if (procedures.isEmpty()) {
            body.append("<p id=\"no-procedures\">No procedure matches the filter.</p>");
        }
        for (ProcedureRecord procedure : procedures) {
            body.append("<section class=\"procedure\" data-id=\"").append(procedure.id()).append("\"><h2>")
                    .append(Html.text(procedure.kind())).append(" #").append(procedure.id()).append(" — ")
                    .append(Html.text(procedure.state().label())).append("</h2><p>Started ")
                    .append(procedure.startedAt().truncatedTo(ChronoUnit.SECONDS)).append(" by ")
                    .append(Html.text(procedure.actor())).append(" (").append(Html.text(procedure.origin()))
                    .append(")").append(procedure.message() == null ? "" : ": " + Html.text(procedure.message()))
                    .append("</p>").append(Timeline.svg(procedure)).append("</section>");
        }
        body.append("<h2>Audit log</h2><table id=\"audit\"><thead><tr><th>When</th><th>Operation</th><th>Target</th>"
                + "<th>By</th><th>Outcome</th><th>Message</th></tr></thead><tbody>");
        for (AuditLog.Entry entry : new AuditLog(cluster.controlDb()).latest(50)) {
            body.append("<tr><td>").append(entry.at().truncatedTo(ChronoUnit.SECONDS)).append("</td><td>")
                    .append(Html.text(entry.operation())).append("</td><td>").append(Html.text(entry.target()))
                    .append("</td><td>").append(Html.text(entry.actor())).append("</td><td>")
                    .append(Html.text(entry.outcome())).append("</td><td>").append(Html.text(entry.message()))
                    .append("</td></tr>");
        }
        exchange.html(200, Html.page("History", session, banner, body.append("</tbody></table>").toString()));
    }

    private static String urlEncoded(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }
}
