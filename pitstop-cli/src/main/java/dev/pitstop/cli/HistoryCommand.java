package dev.pitstop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pitstop.control.AuditLog;
import dev.pitstop.control.ProcedureJournal;
import dev.pitstop.control.ProcedureRecord;
import dev.pitstop.procedure.OperationException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "history", mixinStandardHelpOptions = true,
        description = {"Shows the past procedures, newest first, each with its steps, their durations and how they "
                + "ended, then the audit log: every maintenance operation (procedures and plugin changes, refused "
                + "ones too) with when, what, on what, who, from where, and the outcome.",
                "Both live in the cluster's control schema, which survives restores of the application data."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:shown", "1:no cluster runs in HOME, or its database cannot be reached",
                "2:usage error"})
final class HistoryCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @ParentCommand
    private Pitstop pitstop;

    @Option(names = "--json", description = "Print JSON, for scripts: {\"procedures\": [{\"id\", \"kind\", \"state\", "
            + "\"actor\", \"origin\", \"startedAt\", \"endedAt\", \"seconds\", \"message\", \"steps\": [{\"position\", "
            + "\"rollback\", \"name\", \"state\", \"startedAt\", \"endedAt\", \"seconds\", \"message\"}]}], "
            + "\"audit\": [{\"at\", \"operation\", \"target\", \"actor\", \"origin\", \"outcome\", \"message\"}]}.")
    private boolean json;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20",
            description = "How many procedures, and how many audit entries, to show. Default: ${DEFAULT-VALUE}")
    private int limit;

    @Override
    public Integer call() throws Exception {
        if (limit < 1) {
            throw OperationException.invalid("--limit must be at least 1, got " + limit);
        }
        RunningCluster cluster = RunningCluster.open(pitstop);
        List<ProcedureRecord> procedures = new ProcedureJournal(cluster.controlDb()).latest(limit);
        List<AuditLog.Entry> audit = new AuditLog(cluster.controlDb()).latest(limit);
        if (json) {
            Map<String, Object> history = new LinkedHashMap<>();
            history.put("procedures", procedures.stream().map(HistoryCommand::procedureJson).toList());
            history.put("audit", audit.stream().map(HistoryCommand::auditJson).toList());
            System.out.println(JSON.writeValueAsString(history));
        } else {
            print(procedures, audit, System.out);
        }
        return 0;
    }

    private static void print(List<ProcedureRecord> procedures, List<AuditLog.Entry> audit, PrintStream out) {
        out.println("Procedures");
        if (procedures.isEmpty()) {
            out.println("  none yet");
        }
        for (ProcedureRecord p : procedures) {
            out.printf("  #%d %s  %s  started %s by %s%s%n", p.id(), p.kind(), p.state().label(), time(p.startedAt()),
                    p.actor(), p.endedAt() == null ? "" : ", took " + seconds(Duration.between(p.startedAt(), p.endedAt())));
            for (ProcedureRecord.StepRecord step : p.steps()) {
                out.printf("      %s%d. %s ... %s%s%s%n", step.rollback() ? "rollback " : "", step.position(), step.name(),
                        step.state().label(), step.duration() == null ? "" : " in " + seconds(step.duration()),
                        step.message() == null ? "" : ": " + step.message());
            }
            if (p.message() != null) {
                out.printf("      → %s%n", p.message());
            }
        }
        out.println();
        out.println("Audit log");
        if (audit.isEmpty()) {
            out.println("  none yet");
        }
        for (AuditLog.Entry entry : audit) {
            out.printf("  %s  %-18s %-14s %-9s %s (%s)%s%n", time(entry.at()), entry.operation(),
                    entry.target() == null ? "" : entry.target(), entry.outcome(), entry.actor(), entry.origin(),
                    entry.message() == null ? "" : ": " + entry.message());
        }
    }

    private static Map<String, Object> procedureJson(ProcedureRecord p) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", p.id());
        json.put("kind", p.kind());
        json.put("state", p.state().label());
        json.put("actor", p.actor());
        json.put("origin", p.origin());
        json.put("startedAt", time(p.startedAt()));
        json.put("endedAt", time(p.endedAt()));
        json.put("seconds", p.endedAt() == null ? null : secondsValue(Duration.between(p.startedAt(), p.endedAt())));
        json.put("message", p.message());
        json.put("steps", p.steps().stream().map(step -> {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("position", step.position());
            s.put("rollback", step.rollback());
            s.put("name", step.name());
            s.put("state", step.state().label());
            s.put("startedAt", time(step.startedAt()));
            s.put("endedAt", time(step.endedAt()));
            s.put("seconds", step.duration() == null ? null : secondsValue(step.duration()));
            s.put("message", step.message());
            return s;
        }).toList());
        return json;
    }

    private static Map<String, Object> auditJson(AuditLog.Entry entry) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("at", time(entry.at()));
        json.put("operation", entry.operation());
        json.put("target", entry.target());
        json.put("actor", entry.actor());
        json.put("origin", entry.origin());
        json.put("outcome", entry.outcome());
        json.put("message", entry.message());
        return json;
    }

    private static String time(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static double secondsValue(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", secondsValue(duration));
    }
}
