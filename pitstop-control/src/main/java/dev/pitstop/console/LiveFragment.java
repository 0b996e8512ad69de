package dev.pitstop.console;

import dev.pitstop.control.NodeRecord;
import dev.pitstop.control.NodeRegistry;
import dev.pitstop.control.ProcedureJournal;
import dev.pitstop.control.ProcedureRecord;
import dev.pitstop.driver.NodeStatus;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.status.ClusterStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live part of the overview, rendered from the control schema: cluster mode, release, window,
 * policy, the nodes, and the procedure in progress (or the last one) step by step; on Kubernetes also
 * the Deployment's pods, from the API server. The same HTML is in the page when it loads and in every
 * server-sent event after a change.
 */
final class LiveFragment {

    /** States of an open procedure that nobody runs: it waits for an operator to resume or roll it back. */
    private static final Set<String> WAITING = Set.of("paused", "failed", "interrupted");

    private static final Logger log = LoggerFactory.getLogger(LiveFragment.class);

    private final ConsoleCluster cluster;
    private final DataSource controlDb;
    private final Jobs jobs;

    LiveFragment(ConsoleCluster cluster, Jobs jobs) {
        this.cluster = cluster;
        this.controlDb = cluster.controlDb();
        this.jobs = jobs;
    }

    String render() {
        ClusterStatus status = ClusterStatus.read(controlDb);
        Map<String, NodeRecord> records = new NodeRegistry(controlDb).list().stream()
                .collect(Collectors.toMap(NodeRecord::id, Function.identity()));
        ProcedureJournal journal = new ProcedureJournal(controlDb);
        ProcedureRecord procedure = journal.open().or(() -> journal.latest(1).stream().findFirst()).orElse(null);
        StringBuilder html = new StringBuilder();
        html.append("<dl id=\"cluster\"><dt>Mode</dt><dd id=\"mode\">").append(Html.text(status.mode()))
                .append("</dd><dt>Release</dt><dd id=\"release\">").append(Html.text(status.release()))
                .append("</dd><dt>Maintenance window</dt><dd id=\"window\">").append(status.windowOpen() ? "open" : "closed")
                .append("</dd><dt>Policy</dt><dd id=\"policy\">plugins: ").append(Html.text(status.policy().get("plugins")))
                .append(", upgrade: ").append(Html.text(status.policy().get("upgrade"))).append("</dd></dl>");
        html.append("<h2>Nodes</h2><table id=\"nodes\"><thead><tr><th>Node</th><th>State</th><th>Version</th>"
                + "<th>Up for</th><th>Message</th></tr></thead><tbody>");
        for (ClusterStatus.Node node : status.nodes()) {
            NodeRecord record = records.get(node.id());
            boolean up = record != null && record.startedAt() != null && !node.state().equals("stopped")
                    && !node.state().equals("failed");
            html.append("<tr class=\"node\" data-state=\"").append(Html.text(node.state())).append("\"><td>")
                    .append(Html.text(node.id())).append("</td><td class=\"state-").append(Html.text(node.state()))
                    .append("\">").append(Html.text(node.state())).append("</td><td>").append(Html.text(node.version()))
                    .append("</td><td>").append(up ? duration(Duration.between(record.startedAt(), Instant.now())) : "")
                    .append("</td><td>").append(Html.text(node.message())).append("</td></tr>");
        }
        html.append("</tbody></table>");
        if (cluster.nodesOnKubernetes()) {
            html.append(pods());
        }
        html.append(procedure(procedure, status.procedure()));
        html.append(jobs());
        return html.toString();
    }

    /**
     * The Deployment's replicas as the API server reports them, through the node driver: pods that
     * are starting, or failing before they reach the database, are in no node registry.
     */
    private String pods() {
        StringBuilder html = new StringBuilder("<h2>Pods of deployment ")
                .append(Html.text(cluster.config().kubernetes().deployment())).append("</h2>");
        List<NodeStatus> pods;
        try {
            pods = cluster.nodes().nodes();
        } catch (OperationException e) {
            return html.append("<p id=\"pods\">").append(Html.text(e.getMessage())).append("</p>").toString();
        } catch (RuntimeException e) {
            log.warn("The console could not read the Deployment from the Kubernetes API server", e);
            return html.append("<p id=\"pods\">The Kubernetes API server did not answer; the gateway's log says why.</p>")
                    .toString();
        }
        html.append("<table id=\"pods\"><thead><tr><th>Replica</th><th>State</th><th>Message</th></tr></thead><tbody>");
        for (NodeStatus pod : pods) {
            String state = pod.state().label();
            html.append("<tr class=\"pod\" data-state=\"").append(Html.text(state)).append("\"><td>")
                    .append(Html.text(pod.id())).append("</td><td class=\"state-").append(Html.text(state)).append("\">")
                    .append(Html.text(state)).append("</td><td>").append(Html.text(pod.message())).append("</td></tr>");
        }
        return html.append("</tbody></table>").toString();
    }

    private static String procedure(ProcedureRecord procedure, ClusterStatus.Procedure open) {
        if (procedure == null) {
            return "<h2>Procedure</h2><p id=\"procedure\">No procedure has run yet.</p>";
        }
        // The journal says "running" for a procedure whose process died; the status tells it from one that runs.
        String state = open != null && open.id() == procedure.id() ? open.state() : procedure.state().label();
        StringBuilder html = new StringBuilder("<h2>").append(open == null ? "Last procedure" : "Procedure in progress")
                .append("</h2><p id=\"procedure\" data-id=\"").append(procedure.id()).append("\" data-kind=\"")
                .append(Html.text(procedure.kind())).append("\" data-state=\"").append(Html.text(state)).append("\">")
                .append(Html.text(procedure.kind())).append(" #").append(procedure.id()).append(" — <span class=\"state-")
                .append(Html.text(state)).append("\">").append(Html.text(state)).append("</span>, started by ")
                .append(Html.text(procedure.actor())).append(" (").append(Html.text(procedure.origin())).append(")</p>");
        if (procedure.message() != null) {
            html.append("<p id=\"procedure-message\">").append(Html.text(procedure.message())).append("</p>");
        }
        if (open != null && open.id() == procedure.id() && WAITING.contains(state)) {
            html.append(choices(procedure.kind(), state));
        }
        html.append("<table id=\"steps\"><thead><tr><th>#</th><th>Step</th><th>State</th><th>Took</th><th>Message</th>"
                + "</tr></thead><tbody>");
        for (ProcedureRecord.StepRecord step : procedure.steps()) {
            Duration took = step.duration();
            html.append("<tr class=\"step\" data-state=\"").append(step.state().label()).append("\"><td>")
                    .append(step.rollback() ? "undo " : "").append(step.position()).append("</td><td>")
                    .append(Html.text(step.name())).append("</td><td class=\"state-").append(step.state().label())
                    .append("\">").append(step.state().label()).append("</td><td>")
                    .append(took == null ? "" : seconds(took)).append("</td><td>").append(Html.text(step.message()))
                    .append("</td></tr>");
        }
        return html.append("</tbody></table>").toString();
    }

    /** The operator's choices for a procedure that waits for one: the CLI's --resume and --rollback. */
    private static String choices(String kind, String state) {
        String kindField = "<input type=\"hidden\" name=\"kind\" value=\"" + Html.text(kind) + "\">";
        return "<div id=\"choices\">" + Html.liveForm("/.pitstop/procedure/resume", kindField,
                state.equals("paused") ? "Verified, continue" : "Resume", "primary")
                + Html.liveForm("/.pitstop/procedure/rollback", kindField, "Roll back", "danger") + "</div>";
    }

    /** What was started in this console, and how it ended: a refusal shows here with the CLI's message. */
    private String jobs() {
        List<Jobs.Job> latest = jobs.latest();
        if (latest.isEmpty()) {
            return "";
        }
        StringBuilder html = new StringBuilder("<h2>Started in the console</h2><table id=\"jobs\"><thead><tr><th>What</th>"
                + "<th>By</th><th>Outcome</th><th>Message</th></tr></thead><tbody>");
        for (Jobs.Job job : latest.subList(0, Math.min(5, latest.size()))) {
            html.append("<tr class=\"job\" data-state=\"").append(job.state()).append("\"><td>")
                    .append(Html.text(job.description())).append("</td><td>").append(Html.text(job.actor()))
                    .append("</td><td class=\"state-").append(job.state()).append("\">").append(job.state())
                    .append("</td><td>").append(Html.text(job.message())).append("</td></tr>");
        }
        return html.append("</tbody></table>").toString();
    }

    static String seconds(Duration duration) {
        return String.format("%.1f s", duration.toMillis() / 1000.0);
    }

    private static String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s < 60 ? s + " s" : s < 3600 ? (s / 60) + " min " + (s % 60) + " s" : (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }
}
