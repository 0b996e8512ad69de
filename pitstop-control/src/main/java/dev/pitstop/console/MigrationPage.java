package dev.pitstop.console;

import dev.pitstop.backup.Progress;
import dev.pitstop.migration.MigrationLog;
import dev.pitstop.migration.Migrations;
import dev.pitstop.procedure.ClusterProcedures;
import dev.pitstop.procedure.MigrationValues;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.procedure.Procedure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The migration page: a migration file is uploaded and checked as 'pitstop migration check' does
 * (signed by a trusted key, or refused before any SQL runs; then the whole migration in a rolled-back
 * transaction), its per-table preview and schema statements shown, then applied as 'pitstop
 * migration apply --yes' does. The values given for missing variables and secrets stay in the server,
 * with the check they were given for, and never go back to the browser.
 */
final class MigrationPage {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    /** A file that passed the check, with what it was checked with, waiting to be applied or replaced. */
    private record Checked(Path file, Migrations.Options options, Migrations.Report report) {
    }

    private final ConsoleCluster cluster;
    private final Actions actions;
    /** By session id: the last check of each session. */
    private final Map<String, Checked> checked = new ConcurrentHashMap<>();

    MigrationPage(ConsoleCluster cluster, Actions actions) {
        this.cluster = cluster;
        this.actions = actions;
    }

    void page(Exchange exchange, Sessions.Session session, Html.Banner banner) {
        StringBuilder body = new StringBuilder();
        Checked last = checked.get(session.id());
        if (last != null) {
            body.append(preview(session, last));
        }
        body.append("<h2>Check a migration file</h2>").append(Html.uploadForm(session, "/.pitstop/migration/check",
                "<label for=\"migration-file\">Migration file</label><input type=\"file\" id=\"migration-file\" "
                        + "name=\"file\" required accept=\".migration\"><label for=\"migration-values\">Values for the "
                        + "variables and secrets this cluster lacks (NAME=VALUE, one a line)</label><textarea "
                        + "id=\"migration-values\" name=\"values\" rows=\"2\" cols=\"36\" autocomplete=\"off\" "
                        + "spellcheck=\"false\"></textarea><label><input type=\"checkbox\" "
                        + "name=\"allow-missing-plugins\"> leave out the tables of plugins this cluster lacks</label>",
                "Check", "primary"))
                .append("<p>Accepted only when signed by a key this cluster trusts ('pitstop migration trust "
                        + "KEYFILE'); the check changes nothing. Make the file on the source with 'pitstop migration "
                        + "create'.</p>")
                .append(applied());
        exchange.html(200, Html.page("Migration", session, banner, body.toString()));
    }

    /** Keeps the uploaded file, checks it and shows the preview; a refused file is not kept. */
    void check(Exchange exchange, Sessions.Session session) throws IOException {
        Exchange.Upload upload = exchange.upload("file", "a migration file");
        MigrationValues values = new MigrationValues();
        String given = exchange.field("values");
        if (given != null) {
            values.addLines(given.lines().toList(), "the values box");
        }
        ClusterProcedures procedures = cluster.procedures();
        Migrations.Options options = procedures.migrationOptions().withValues(values.asMap(), Set.of());
        if ("on".equals(exchange.field("allow-missing-plugins"))) {
            options = options.allowingMissingPlugins();
        }
        Path file = cluster.uploadsDir().resolve(STAMP.format(Instant.now()) + "-"
                + UUID.randomUUID().toString().substring(0, 8) + "-" + safe(upload.fileName()));
        upload.saveTo(file);
        Migrations.Report report;
        try {
            report = procedures.migrationCheck(file, options);
        } catch (RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        Checked previous = checked.put(session.id(), new Checked(file, options, report));
        if (previous != null) {
            Files.deleteIfExists(previous.file());
        }
        exchange.redirect("/.pitstop/migration");
    }

    /** Applies the file this session checked last, as a journaled procedure that the overview follows. */
    void apply(Exchange exchange, Sessions.Session session) {
        Checked last = checked.get(session.id());
        String name = exchange.field("file");
        if (last == null || !last.file().getFileName().toString().equals(name)) {
            throw OperationException.refused("this migration file was not checked in this session, or another was "
                    + "checked since; check it again, then apply it. Nothing was changed.");
        }
        Procedure apply = cluster.procedures().migrationApply(Progress.NONE).of(last.file(),
                cluster.home().backupsDir(), last.options(), "on".equals(exchange.field("page")),
                cluster.runsProcessNodes(), consequence -> true);
        actions.startProcedure(exchange, session, "migration apply " + last.report().file(),
                Actions.operator(exchange, session, "migration apply " + name), apply);
        // Kept by the journal from now on: no longer this session's to delete.
        checked.remove(session.id(), last);
    }

    /** Forgets a session's check, when it ends: its file is not needed any more. */
    void forget(Sessions.Session session) throws IOException {
        Checked last = checked.remove(session.id());
        if (last != null) {
            Files.deleteIfExists(last.file());
        }
    }

    private static String preview(Sessions.Session session, Checked checked) {
        Migrations.Report report = checked.report();
        StringBuilder html = new StringBuilder("<section id=\"migration-preview\"><h2>Preview: ")
                .append(Html.text(report.file())).append("</h2><p>Made by release ").append(Html.text(report.sourceRelease()))
                .append(", for this cluster at release ").append(Html.text(report.targetRelease()))
                .append(". Nothing was changed yet.</p><table id=\"migration-tables\"><thead><tr><th>Table</th>"
                        + "<th>Rule</th><th>Insert</th><th>Update</th><th>Delete</th><th>Note</th></tr></thead><tbody>");
        for (Migrations.TableOutcome table : report.tables()) {
            boolean rows = table.rule().movesData() && table.note() == null;
            html.append("<tr class=\"migration-table\" data-table=\"").append(Html.text(table.table())).append("\"><td>")
                    .append(Html.text(table.table())).append("</td><td>").append(Html.text(table.rule().label()))
                    .append("</td><td>").append(rows ? table.inserted() : "-").append("</td><td>")
                    .append(rows ? table.updated() : "-").append("</td><td>").append(rows ? table.deleted() : "-")
                    .append("</td><td>").append(Html.text(table.note())).append("</td></tr>");
        }
        html.append("</tbody></table><h2>Schema statements</h2>");
        if (report.statements().isEmpty()) {
            html.append("<p id=\"migration-statements\">None: the schema already has everything the file brings.</p>");
        } else {
            html.append("<ol id=\"migration-statements\">");
            report.statements().forEach(statement -> html.append("<li><code>").append(Html.text(statement))
                    .append(";</code></li>"));
            html.append("</ol>");
        }
        if (!report.environmentAdded().isEmpty()) {
            html.append("<p>Values added to the environment: ").append(Html.text(String.join(", ",
                    report.environmentAdded()))).append("</p>");
        }
        return html.append("<p>Applying takes a backup of the current data first (in the backups directory), inside a "
                        + "maintenance window: the open one, or one it opens and closes.</p>")
                .append(Html.form(session, "/.pitstop/migration/apply", "<input type=\"hidden\" name=\"file\" value=\""
                        + Html.text(checked.file().getFileName()) + "\"><label><input type=\"checkbox\" name=\"page\"> "
                        + "put the status page up if a window is opened</label>", "Apply the migration", "danger"))
                .append("</section>").toString();
    }

    /** As 'pitstop migration logs', in short: the newest applied migrations. */
    private String applied() {
        StringBuilder html = new StringBuilder("<h2>Applied migrations</h2><table id=\"migration-log\"><thead><tr>"
                + "<th>#</th><th>Started</th><th>Outcome</th><th>File</th><th>Backup before</th></tr></thead><tbody>");
        for (MigrationLog.Entry entry : ClusterProcedures.migrationEngine(() -> Migrations.logs(cluster.db())).stream().limit(10).toList()) {
            html.append("<tr><td>").append(entry.id()).append("</td><td>")
                    .append(entry.startedAt().truncatedTo(ChronoUnit.SECONDS)).append("</td><td>")
                    .append(Html.text(entry.outcome())).append("</td><td>").append(Html.text(entry.file()))
                    .append("</td><td>").append(Html.text(entry.backup())).append("</td></tr>");
        }
        return html.append("</tbody></table>").toString();
    }

    /** The uploaded name, reduced to what is safe in a file name. */
    private static String safe(String name) {
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^\\.+", "");
        return safe.isEmpty() ? "upload.migration" : safe;
    }
}
