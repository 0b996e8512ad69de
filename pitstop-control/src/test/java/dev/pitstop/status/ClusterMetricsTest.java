package dev.pitstop.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.backup.BackupCatalog;
import dev.pitstop.backup.BackupOptions;
import dev.pitstop.backup.Backups;
import dev.pitstop.control.Cluster;
import dev.pitstop.control.ControlSchema;
import dev.pitstop.control.ProcedureJournal;
import dev.pitstop.control.ProcedureState;
import dev.pitstop.control.StepState;
import dev.pitstop.db.DbSettings;
import dev.pitstop.metrics.Metrics;
import dev.pitstop.procedure.Upgrade;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Instant;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster's metrics as the control schema and the backups directory tell them. */
class ClusterMetricsTest {

    @TempDir
    Path backups;

    @Test
    void modeProceduresStepsUpgradeAndBackupsAreReadWhenScraped() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.start()) {
            DataSource controlDb = postgres.getPostgresDatabase();
            ControlSchema.migrate(controlDb);
            PrometheusMeterRegistry registry = Metrics.registry();
            BackupCatalog catalog = new BackupCatalog(backups);
            registry.getPrometheusRegistry().register(new ClusterMetrics(controlDb, catalog));

            String before = registry.scrape();
            assertThat(before).contains("pitstop_cluster_maintenance 0")
                    .contains("pitstop_cluster_control_schema_readable 1")
                    .contains("pitstop_cluster_backups 0")
                    .doesNotContain("pitstop_cluster_backup_last_timestamp_seconds ")
                    .doesNotContain("pitstop_cluster_upgrade_last_timestamp_seconds ");

            ProcedureJournal journal = new ProcedureJournal(controlDb);
            long upgrade = journal.begin("upgrade", new NoParams(), "test@here", "pitstop upgrade");
            journal.stepEnded(journal.stepStarted(upgrade, 1, false, "put the status page up"), StepState.DONE, null);
            long failed = journal.stepStarted(upgrade, 2, false, "switch the release");
            journal.stepEnded(failed, StepState.FAILED, "disk full");
            assertThat(registry.scrape())
                    .containsPattern("pitstop_cluster_procedure_open_started_timestamp_seconds\\{kind=\"upgrade\","
                            + "state=\"interrupted\"} [0-9.E]+");
            journal.stepEnded(journal.stepStarted(upgrade, 2, false, "switch the release"), StepState.DONE, null);
            journal.stepEnded(journal.stepStarted(upgrade, 3, false, Upgrade.TRAFFIC_BACK_STEP), StepState.DONE, null);
            journal.setState(upgrade, ProcedureState.SUCCEEDED, "upgraded");
            new Cluster(controlDb).setMaintenance(true, null, 30);
            Backups.create(new DbSettings(postgres.getJdbcUrl("postgres", "postgres"), "postgres", null),
                    catalog.newFile(Instant.now()), BackupOptions.defaults());

            String after = registry.scrape();
            assertThat(after).contains("pitstop_cluster_maintenance 1")
                    .contains("pitstop_cluster_procedures_total{kind=\"upgrade\",outcome=\"succeeded\"} 1")
                    .contains("pitstop_cluster_procedure_step_duration_seconds{kind=\"upgrade\",outcome=\"done\","
                            + "position=\"1\",rollback=\"false\",step=\"put the status page up\"}")
                    .contains("pitstop_cluster_procedure_step_duration_seconds{kind=\"upgrade\",outcome=\"done\","
                            + "position=\"2\",rollback=\"false\",step=\"switch the release\"}")
                    .doesNotContain("outcome=\"failed\",position=\"2\"")
                    .contains("pitstop_cluster_procedure_last_duration_seconds{kind=\"upgrade\",outcome=\"succeeded\"}")
                    .contains("pitstop_cluster_upgrade_last_timestamp_seconds ")
                    .contains("pitstop_cluster_upgrade_last_downtime_seconds ")
                    .doesNotContain("pitstop_cluster_procedure_open_started_timestamp_seconds{")
                    .contains("pitstop_cluster_backups 1")
                    .containsPattern("pitstop_cluster_backup_last_size_bytes [1-9]")
                    .contains("pitstop_cluster_backup_last_timestamp_seconds ");
        }
    }

    /** The journal's metrics do not read a procedure's parameters. */
    private record NoParams() {
    }
}
