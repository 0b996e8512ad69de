package dev.pitstop.status;

import dev.pitstop.backup.BackupCatalog;
import dev.pitstop.backup.BackupInfo;
import dev.pitstop.control.ControlSchemaException;
import dev.pitstop.control.ProcedureJournal;
import dev.pitstop.control.ProcedureRecord;
import dev.pitstop.control.ProcedureState;
import dev.pitstop.control.StepState;
import dev.pitstop.procedure.ProcedureKind;
import dev.pitstop.procedure.Upgrade;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's metrics, read from the control schema and the backups directory when Prometheus
 * scrapes (a handful of queries every scrape interval, nothing per request). Served by the process
 * that outlives the nodes: the supervisor, on its gateway's {@code /metrics}. Names and labels are
 * listed in the README (section Metrics).
 */
public final class ClusterMetrics implements MultiCollector {

    private static final Logger log = LoggerFactory.getLogger(ClusterMetrics.class);

    private final DataSource controlDb;
    private final ProcedureJournal journal;
    private final BackupCatalog backups;

    public ClusterMetrics(DataSource controlDb, BackupCatalog backups) {
        this.controlDb = controlDb;
        this.journal = new ProcedureJournal(controlDb);
        this.backups = backups;
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> metrics = new ArrayList<>();
        boolean readable = true;
        try {
            ClusterStatus status = ClusterStatus.read(controlDb);
            metrics.addAll(cluster(status));
            metrics.addAll(procedures(journal.outcomes(), journal.latestOfEachKind()));
        } catch (ControlSchemaException e) {
            // A scrape while the database is down must still say so rather than fail as a whole.
            log.debug("Cluster metrics without the control schema: {}", e.getMessage());
            readable = false;
        }
        metrics.add(gauge("pitstop_cluster_control_schema_readable",
                "1 when the last scrape could read the control schema", readable ? 1 : 0));
        metrics.addAll(backups());
        return new MetricSnapshots(metrics);
    }

    private static List<MetricSnapshot> cluster(ClusterStatus status) {
        List<MetricSnapshot> metrics = new ArrayList<>();
        metrics.add(gauge("pitstop_cluster_maintenance", "1 while the status page is up",
                "maintenance".equals(status.mode()) ? 1 : 0));
        metrics.add(gauge("pitstop_cluster_window_open", "1 while a maintenance window is open",
                status.windowOpen() ? 1 : 0));
        Map<String, Long> nodesByState = status.nodes().stream()
                .collect(Collectors.groupingBy(ClusterStatus.Node::state, TreeMap::new, Collectors.counting()));
        GaugeSnapshot.Builder nodes = GaugeSnapshot.builder().name("pitstop_cluster_nodes")
                .help("Registered nodes by state; a node silent for longer than the heartbeat timeout counts as failed");
        nodesByState.forEach((state, count) -> nodes.dataPoint(point(count, "state", state)));
        metrics.add(nodes.build());
        GaugeSnapshot.Builder open = GaugeSnapshot.builder().name("pitstop_cluster_procedure_open_started_timestamp_seconds")
                .help("When the open procedure started (Unix time); no series when none is open. state: running,"
                        + " rolling-back, interrupted (its operator's process died), paused or failed");
        ClusterStatus.Procedure procedure = status.procedure();
        if (procedure != null) {
            open.dataPoint(point(Instant.parse(procedure.startedAt()).getEpochSecond(),
                    "kind", procedure.kind(), "state", procedure.state()));
        }
        metrics.add(open.build());
        return metrics;
    }

    private static List<MetricSnapshot> procedures(List<ProcedureJournal.Outcomes> outcomes,
                                                   List<ProcedureRecord> latest) {
        CounterSnapshot.Builder count = CounterSnapshot.builder().name("pitstop_cluster_procedures")
                .help("Procedures that ended, by kind and outcome (succeeded, rolled-back, abandoned)");
        CounterSnapshot.Builder seconds = CounterSnapshot.builder().name("pitstop_cluster_procedure_seconds")
                .help("Time the procedures that ended took, start to end, by kind and outcome");
        for (ProcedureJournal.Outcomes outcome : outcomes) {
            Labels labels = Labels.of("kind", outcome.kind(), "outcome", outcome.state().label());
            count.dataPoint(CounterDataPointSnapshot.builder().value(outcome.count()).labels(labels).build());
            seconds.dataPoint(CounterDataPointSnapshot.builder().value(outcome.seconds()).labels(labels).build());
        }
        GaugeSnapshot.Builder lastDuration = GaugeSnapshot.builder().name("pitstop_cluster_procedure_last_duration_seconds")
                .help("How long the newest procedure of each kind took, or has taken so far; outcome is its state");
        GaugeSnapshot.Builder lastEnd = GaugeSnapshot.builder().name("pitstop_cluster_procedure_last_end_timestamp_seconds")
                .help("When the newest ended procedure of each kind ended (Unix time): Grafana's annotations");
        GaugeSnapshot.Builder steps = GaugeSnapshot.builder().name("pitstop_cluster_procedure_step_duration_seconds")
                .help("Each step run of the newest procedure of each kind: how long it took (so far, while it"
                        + " runs), with its position in the forward or rollback list, its name and its outcome");
        Instant now = Instant.now();
        for (ProcedureRecord procedure : latest) {
            Instant end = procedure.endedAt() == null ? now : procedure.endedAt();
            lastDuration.dataPoint(point(seconds(procedure.startedAt(), end), "kind", procedure.kind(),
                    "outcome", procedure.state().label()));
            if (procedure.endedAt() != null) {
                lastEnd.dataPoint(point(procedure.endedAt().getEpochSecond(), "kind", procedure.kind(),
                        "outcome", procedure.state().label()));
            }
            for (ProcedureRecord.StepRecord step : lastRunOfEachStep(procedure)) {
                steps.dataPoint(point(seconds(step.startedAt(), step.endedAt() == null ? now : step.endedAt()),
                        "kind", procedure.kind(), "position", Integer.toString(step.position()),
                        "rollback", Boolean.toString(step.rollback()), "step", step.name(),
                        "outcome", step.state().label()));
            }
        }
        List<MetricSnapshot> metrics = new ArrayList<>(List.of(count.build(), seconds.build(), lastDuration.build(),
                lastEnd.build(), steps.build()));
        metrics.addAll(lastUpgrade(latest));
        return metrics;
    }

    /** A resumed step ran more than once; its last run is what the procedure's outcome rests on. */
    private static List<ProcedureRecord.StepRecord> lastRunOfEachStep(ProcedureRecord procedure) {
        Map<String, ProcedureRecord.StepRecord> last = procedure.steps().stream().collect(Collectors.toMap(
                step -> step.rollback() + "/" + step.position(), Function.identity(), (first, second) -> second,
                TreeMap::new));
        return last.values().stream().sorted(Comparator.comparing(ProcedureRecord.StepRecord::id)).toList();
    }

    /**
     * The newest upgrade, once it succeeded: when it ended, and its downtime as the upgrade reports it,
     * from its start (the status page goes up) to the end of its traffic-back step (the nodes after
     * the first start once traffic is back).
     */
    private static List<MetricSnapshot> lastUpgrade(List<ProcedureRecord> latest) {
        GaugeSnapshot.Builder time = GaugeSnapshot.builder().name("pitstop_cluster_upgrade_last_timestamp_seconds")
                .help("When the newest upgrade succeeded (Unix time); no series until one has");
        GaugeSnapshot.Builder downtime = GaugeSnapshot.builder().name("pitstop_cluster_upgrade_last_downtime_seconds")
                .help("The newest succeeded upgrade's downtime: status page up to traffic back");
        latest.stream()
                .filter(p -> p.kind().equals(ProcedureKind.UPGRADE.label()) && p.state() == ProcedureState.SUCCEEDED)
                .findFirst()
                .ifPresent(upgrade -> {
                    time.dataPoint(point(upgrade.endedAt().getEpochSecond()));
                    upgrade.steps().stream()
                            .filter(step -> !step.rollback() && step.state() == StepState.DONE && step.endedAt() != null
                                    && step.name().equals(Upgrade.TRAFFIC_BACK_STEP))
                            .map(ProcedureRecord.StepRecord::endedAt)
                            .max(Comparator.naturalOrder())
                            .ifPresent(trafficBack -> downtime.dataPoint(point(seconds(upgrade.startedAt(), trafficBack))));
                });
        return List.of(time.build(), downtime.build());
    }

    private List<MetricSnapshot> backups() {
        GaugeSnapshot.Builder time = GaugeSnapshot.builder().name("pitstop_cluster_backup_last_timestamp_seconds")
                .help("When the newest backup of any kind (scheduled, by hand, by a procedure) was made (Unix time)");
        GaugeSnapshot.Builder size = GaugeSnapshot.builder().name("pitstop_cluster_backup_last_size_bytes")
                .help("The size of the newest backup");
        GaugeSnapshot.Builder count = GaugeSnapshot.builder().name("pitstop_cluster_backups")
                .help("Backups in the cluster's backups directory");
        try {
            List<BackupInfo> all = backups.list();
            count.dataPoint(point(all.size()));
            all.stream().filter(b -> b.createdAt() != null).findFirst().ifPresent(newest -> {
                time.dataPoint(point(newest.createdAt().toEpochMilli() / 1000.0));
                size.dataPoint(point(newest.size()));
            });
        } catch (RuntimeException e) {
            log.debug("Cluster metrics without the backups of {}: {}", backups.dir(), e.getMessage());
        }
        return List.of(time.build(), size.build(), count.build());
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help).dataPoint(point(value)).build();
    }

    private static GaugeDataPointSnapshot point(double value, String... labels) {
        return GaugeDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build();
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }
}
