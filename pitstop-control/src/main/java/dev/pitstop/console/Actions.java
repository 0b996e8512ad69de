package dev.pitstop.console;

import dev.pitstop.backup.BackupCatalog;
import dev.pitstop.backup.BackupException;
import dev.pitstop.backup.BackupOptions;
import dev.pitstop.backup.BackupResult;
import dev.pitstop.backup.Backups;
import dev.pitstop.backup.UnsupportedObjectsException;
import dev.pitstop.control.AuditLog;
import dev.pitstop.control.StatusPage;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.procedure.Operator;
import dev.pitstop.procedure.Procedure;
import dev.pitstop.procedure.ProcedureRunner;
import dev.pitstop.release.ProcessNode;
import dev.pitstop.release.Release;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import dev.pitstop.procedure.ProcedureKind;
import dev.pitstop.procedure.Resumable;
import dev.pitstop.driver.TrafficDriver;

/**
 * The console's changes. Each is the CLI command of the same name, done with the same classes:
 * procedures through {@link ProcedureRunner} (lock, journal, audit), plugin changes through the
 * nodes' admin API with the user's own token (its role, the policy and the audit are the nodes'),
 * backups with {@link Backups}. Long ones run as {@link Jobs}; the overview follows them.
 */
final class Actions {

    /** The status page's Retry-After when the console puts it up: the CLI's default. */
    static final int RETRY_AFTER_SECONDS = 30;

    private final ConsoleCluster cluster;
    private final Jobs jobs;
    private final Map<String, Html.Banner> banners;

    Actions(ConsoleCluster cluster, Jobs jobs, Map<String, Html.Banner> banners) {
        this.cluster = cluster;
        this.jobs = jobs;
        this.banners = banners;
    }

    void upgrade(Exchange exchange, Sessions.Session session) {
        Release target = Pages.release(cluster, exchange.field("to"));
        Operator operator = operator(exchange, session, "upgrade --to " + target.dir());
        Procedure upgrade = cluster.procedures().upgrade().to(target.dir(), cluster.currentRelease(), cluster.home().backupsDir(),
                "on".equals(exchange.field("pause")));
        startProcedure(exchange, session, "upgrade to " + target.version(), operator, upgrade);
    }

    /** Continues the open procedure (after a pause: "verified, continue"), as its command's --resume. */
    void resume(Exchange exchange, Sessions.Session session) {
        finish(exchange, session, "--resume", "resumed", ProcedureRunner::resume);
    }

    /** Rolls the open procedure back, as its command's --rollback. */
    void rollback(Exchange exchange, Sessions.Session session) {
        finish(exchange, session, "--rollback", "rollback", ProcedureRunner::rollback);
    }

    /** How an open procedure is finished: {@link ProcedureRunner#resume} or {@link ProcedureRunner#rollback}. */
    private interface Finish {
        ProcedureRunner.Outcome apply(ProcedureRunner runner, ProcedureKind kind, Resumable<?> procedures);
    }

    private void finish(Exchange exchange, Sessions.Session session, String option, String what, Finish finish) {
        ProcedureKind kind = kind(exchange);
        Operator operator = operator(exchange, session, kind.command() + " " + option);
        ProcedureRunner runner = runner(operator);
        Resumable<?> procedures = cluster.procedures(kind);
        run(exchange, session, kind.label() + " " + what, operator,
                () -> outcome(finish.apply(runner, kind, procedures), kind));
    }

    private static ProcedureKind kind(Exchange exchange) {
        String label = required(exchange, "kind");
        return Arrays.stream(ProcedureKind.values()).filter(k -> k.label().equals(label)).findFirst()
                .orElseThrow(() -> OperationException.invalid("no procedure kind '" + label + "'"));
    }

    private static String outcome(ProcedureRunner.Outcome outcome, ProcedureKind kind) {
        return switch (outcome) {
            case SUCCEEDED -> kind.label() + " succeeded";
            case PAUSED -> kind.label() + " paused for you: " + kind.howToFinish();
            case ROLLED_BACK -> kind.label() + " rolled back";
        };
    }

    void beginWindow(Exchange exchange, Sessions.Session session) {
        startProcedure(exchange, session, "maintenance window begin",
                operator(exchange, session, "maintenance begin"), cluster.procedures().window().begin(false));
    }

    void endWindow(Exchange exchange, Sessions.Session session) {
        startProcedure(exchange, session, "maintenance window end",
                operator(exchange, session, "maintenance end"), cluster.procedures().window().end());
    }

    /** Starts {@code procedure} as a job: lock, journal and audit as the CLI's; the overview follows it. */
    void startProcedure(Exchange exchange, Sessions.Session session, String description, Operator operator,
                                Procedure procedure) {
        ProcedureRunner runner = runner(operator);
        run(exchange, session, description, operator, () -> switch (runner.start(procedure)) {
            case SUCCEEDED -> procedure.succeeded();
            case PAUSED -> "paused for you: " + procedure.kind().howToFinish();
            case ROLLED_BACK -> procedure.rolledBack();
        });
    }

    /** The journal, not the runner's output, is what the console shows: the steps are not printed. */
    private ProcedureRunner runner(Operator operator) {
        return new ProcedureRunner(cluster.db(), cluster.controlDb(), operator,
                new PrintStream(OutputStream.nullOutputStream()));
    }

    private void run(Exchange exchange, Sessions.Session session, String description, Operator operator,
                     Supplier<String> work) {
        jobs.start(description, operator.actor(), work);
        banners.put(session.id(), Html.Banner.notice(description + " started; its steps show below as they run"));
        exchange.redirect("/.pitstop/");
    }

    void createBackup(Exchange exchange, Sessions.Session session) {
        Operator operator = operator(exchange, session, "backup create");
        Path file = new BackupCatalog(cluster.home().backupsDir()).newFile(Instant.now());
        BackupOptions options = BackupOptions.defaults().withStorage(cluster.home().storageDir())
                .withPassword(cluster.config().backup().password()).withAppSchemas(cluster.config().applicationSchemas());
        jobs.startReporting("backup create " + file.getFileName(), operator.actor(), progress -> {
            BackupResult result;
            try {
                result = Backups.create(cluster.db(), file, options.withProgress(new ProgressText(progress)));
            } catch (UnsupportedObjectsException e) {
                throw OperationException.refused(e.getMessage());
            }
            new AuditLog(cluster.controlDb()).record("backup create", file.getFileName().toString(), operator.actor(),
                    operator.origin(), "succeeded", null);
            return "Backup written: " + result.file().getFileName() + " (" + result.size() + " bytes)";
        });
        banners.put(session.id(), Html.Banner.notice("backup create started: " + file.getFileName()
                + " appears in the list when it is written"));
        exchange.redirect("/.pitstop/");
    }

    void downloadBackup(Exchange exchange, Sessions.Session session) throws IOException {
        Path file = backup(exchange.query("name"));
        OutputStream out = exchange.stream("application/octet-stream", file.getFileName().toString());
        try {
            Files.copy(file, out);
            out.close();
            exchange.done();
        } catch (IOException e) {
            exchange.failed(e);
        }
    }

    void verifyBackup(Exchange exchange, Sessions.Session session) {
        Path file = backup(required(exchange, "name"));
        Operator operator = operator(exchange, session, "backup verify " + file.getFileName());
        jobs.start("backup verify " + file.getFileName(), operator.actor(), () -> {
            cluster.verifyBackup(file);
            return file.getFileName() + " is sound and restores (definitions replayed)";
        });
        banners.put(session.id(), Html.Banner.notice("backup verify started: " + file.getFileName()));
        exchange.redirect("/.pitstop/");
    }

    /** Replaces all application data: the operator types the backup's name, the console's "are you sure". */
    void restoreBackup(Exchange exchange, Sessions.Session session) {
        String name = required(exchange, "name");
        if (!name.equals(exchange.field("confirm"))) {
            throw OperationException.refused("restore not confirmed: type the backup's name, " + name
                    + ", to confirm that it replaces all the application's data; nothing was changed");
        }
        Path file = backup(name);
        Operator operator = operator(exchange, session, "backup restore " + name);
        Procedure restore = cluster.restore().of(file, cluster.installedVersion(), cluster.home().backupsDir(),
                consequence -> true);
        startProcedure(exchange, session, "restore of " + name, operator, restore);
    }

    private Path backup(String name) {
        try {
            return new BackupCatalog(cluster.home().backupsDir()).resolve(name);
        } catch (BackupException e) {
            throw OperationException.invalid(e.getMessage());
        }
    }

    void enablePlugin(Exchange exchange, Sessions.Session session) {
        String id = required(exchange, "id");
        if (!changeProcessPlugin(exchange, session, ProcessNode.PluginCommand.ENABLE, id)) {
            changed(exchange, session, "Enabled", cluster.admin(session).enable(id));
        }
    }

    void disablePlugin(Exchange exchange, Sessions.Session session) {
        String id = required(exchange, "id");
        if (!changeProcessPlugin(exchange, session, ProcessNode.PluginCommand.DISABLE, id)) {
            changed(exchange, session, "Disabled", cluster.admin(session).disable(id));
        }
    }

    /**
     * As 'pitstop plugin enable|disable' on a release whose nodes are processes: the same class, run
     * as a job (a minute or more), its steps shown as its progress. False for Pitstop's own nodes.
     */
    private boolean changeProcessPlugin(Exchange exchange, Sessions.Session session, ProcessNode.PluginCommand change,
                                        String id) {
        Operator operator = operator(exchange, session, "plugin " + change.label() + " " + id);
        if (cluster.processPlugins(operator, new PrintStream(OutputStream.nullOutputStream())).isEmpty()) {
            return false;
        }
        jobs.startReporting("plugin " + change.label() + " " + id, operator.actor(), progress -> cluster
                .processPlugins(operator, lines(progress)).orElseThrow().change(change, id));
        banners.put(session.id(), Html.Banner.notice("plugin " + change.label() + " " + id + " started; it shows "
                + "below as it runs"));
        exchange.redirect("/.pitstop/");
        return true;
    }

    /** A stream whose every complete line is shown as the job's progress. */
    private static PrintStream lines(Consumer<String> progress) {
        return new PrintStream(new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
                if (b == '\n') {
                    progress.accept(line.toString(StandardCharsets.UTF_8).strip());
                    line.reset();
                } else {
                    line.write(b);
                }
            }
        }, true, StandardCharsets.UTF_8);
    }

    /** As 'pitstop plugin add FILE': the nodes validate the jar and store it, disabled. */
    void addPlugin(Exchange exchange, Sessions.Session session) throws IOException {
        JsonNode plugin = withUploadedJar(exchange, jar -> cluster.admin(session).add(jar));
        changed(exchange, session, "Added (disabled; enable it to load it)", plugin);
    }

    /** As 'pitstop plugin upgrade FILE': the plugin the jar names is replaced by the jar's newer version. */
    void upgradePlugin(Exchange exchange, Sessions.Session session) throws IOException {
        JsonNode plugin = withUploadedJar(exchange, jar -> cluster.admin(session).upgrade(jar));
        changed(exchange, session, "Upgraded", plugin);
    }

    /** As 'pitstop plugin remove ID [--drop-data]': a disabled plugin goes; its data too when asked. */
    void removePlugin(Exchange exchange, Sessions.Session session) {
        String id = required(exchange, "id");
        boolean dropData = "on".equals(exchange.field("drop-data"));
        cluster.admin(session).remove(id, dropData);
        banners.put(session.id(), Html.Banner.notice("Removed " + id + (dropData ? " and its data" : "; its data stays")));
        exchange.redirect("/.pitstop/plugins");
    }

    /** The uploaded jar as a file for the admin client, for as long as {@code use} runs. */
    private static JsonNode withUploadedJar(Exchange exchange, Function<Path, JsonNode> use) throws IOException {
        Exchange.Upload upload = exchange.upload("jar", "a plugin jar");
        Path dir = Files.createTempDirectory(exchange.uploadsDir(), "plugin-");
        // The nodes read the plugin's id and version from the jar itself, not from its name.
        Path jar = dir.resolve("plugin.jar");
        try {
            upload.saveTo(jar);
            return use.apply(jar);
        } finally {
            Files.deleteIfExists(jar);
            Files.delete(dir);
        }
    }

    private void changed(Exchange exchange, Sessions.Session session, String done, JsonNode plugin) {
        banners.put(session.id(), Html.Banner.notice(done + " " + plugin.path("id").asText() + " "
                + plugin.path("version").asText()));
        exchange.redirect("/.pitstop/plugins");
    }

    /** As 'pitstop maintenance page on': the default page, or the default page with the operator's text. */
    void pageOn(Exchange exchange, Sessions.Session session) {
        String text = exchange.field("text");
        String html = text == null || text.isBlank() ? null : StatusPage.withText(text);
        int retryAfter = retryAfter(exchange.field("retry-after"));
        changeTraffic(exchange, session, "maintenance page on",
                traffic -> traffic.showStatusPage(html, retryAfter),
                "The status page is up: clients get 503 (Retry-After: " + retryAfter + " s)");
    }

    private static int retryAfter(String field) {
        if (field == null || field.isBlank()) {
            return RETRY_AFTER_SECONDS;
        }
        try {
            int seconds = Integer.parseInt(field.strip());
            if (seconds >= 1) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // Said below, as for a number below 1.
        }
        throw OperationException.invalid("Retry-After must be a whole number of seconds, at least 1, got '" + field
                + "'; nothing was changed");
    }

    void pageOff(Exchange exchange, Sessions.Session session) {
        changeTraffic(exchange, session, "maintenance page off", TrafficDriver::backToCluster,
                "The status page is down: client requests go to the cluster again");
    }

    /** As 'pitstop maintenance page': through the traffic driver, recorded in the audit log either way. */
    private void changeTraffic(Exchange exchange, Sessions.Session session, String operation,
                               Consumer<TrafficDriver> change, String done) {
        Operator operator = operator(exchange, session, operation);
        AuditLog audit = new AuditLog(cluster.controlDb());
        try {
            change.accept(cluster.traffic());
        } catch (RuntimeException e) {
            audit.record(operation, "cluster", operator.actor(), operator.origin(), "failed", e.getMessage());
            throw e;
        }
        audit.record(operation, "cluster", operator.actor(), operator.origin(), "succeeded", null);
        banners.put(session.id(), Html.Banner.notice(done));
        exchange.redirect("/.pitstop/maintenance");
    }

    private static String required(Exchange exchange, String field) {
        String value = exchange.field(field);
        if (value == null || value.isBlank()) {
            throw OperationException.invalid("the form has no " + field + "; reload the page and try again");
        }
        return value;
    }

    /** The token's name as the actor, as the admin API audits it; the origin says it came from the console. */
    static Operator operator(Exchange exchange, Sessions.Session session, String command) {
        return new Operator(session.token().name() + "@console", "console (" + exchange.remoteAddress() + "): " + command);
    }
}
