package dev.pitstop.backup;

import dev.pitstop.control.AdvisoryLock;
import dev.pitstop.db.DbSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the scheduled backups. Every node runs one; at each slot they race for an advisory lock,
 * and the winner makes the backup unless the slot's file already exists — so a node whose clock
 * runs late, and gets the lock after the winner let it go, does not make a second one. Then it
 * deletes the scheduled backups beyond the number to keep.
 */
public final class BackupScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BackupScheduler.class);

    private final BackupSchedule schedule;
    private final DbSettings db;
    private final BackupCatalog catalog;
    private final Supplier<BackupOptions> options;
    private final String nodeId;
    private final Clock clock;
    private volatile Stats stats = new Stats(null, null, 0, 0);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "pitstop-backup-scheduler");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param options read at each slot, so that a changed password file or storage directory is
     *                used from the next backup on
     * @param nodeId  shown as the lock holder while this node makes a backup
     */
    public BackupScheduler(BackupSchedule schedule, DbSettings db, BackupCatalog catalog, Supplier<BackupOptions> options,
                           String nodeId, Clock clock) {
        this.schedule = schedule;
        this.db = db;
        this.catalog = catalog;
        this.options = options;
        this.nodeId = nodeId;
        this.clock = clock;
    }

    /**
     * What this node's scheduled backups did since it started, for its metrics. A slot another node
     * made counts on that node only.
     *
     * @param lastSuccess when the last backup this node made was written, or null
     * @param lastElapsed how long it took, or null
     * @param lastSize    its size in bytes
     * @param failures    how many slots this node failed to back up
     */
    public record Stats(Instant lastSuccess, Duration lastElapsed, long lastSize, long failures) {
    }

    public Stats stats() {
        return stats;
    }

    /** Starts waiting for the next slot. */
    public void start() {
        scheduleNext();
    }

    /**
     * Makes the backup of {@code slot} if no node has made it and none is making it now; then
     * applies the retention.
     *
     * @return the backup made, or empty when another node made or is making it
     */
    public Optional<BackupResult> runSlot(ZonedDateTime slot) throws SQLException {
        try {
            return makeSlot(slot);
        } catch (SQLException | RuntimeException e) {
            Stats before = stats;
            stats = new Stats(before.lastSuccess(), before.lastElapsed(), before.lastSize(), before.failures() + 1);
            throw e;
        }
    }

    private Optional<BackupResult> makeSlot(ZonedDateTime slot) throws SQLException {
        Optional<AdvisoryLock> lock = AdvisoryLock.tryAcquire(db, AdvisoryLock.BACKUP_SCHEDULE, "pitstop-backup-scheduler " + nodeId);
        if (lock.isEmpty()) {
            LOG.info("scheduled backup of {}: another node is making it", slot);
            return Optional.empty();
        }
        try (AdvisoryLock held = lock.get()) {
            Path file = catalog.scheduledFile(slot.toInstant());
            if (Files.exists(file)) {
                LOG.info("scheduled backup of {}: another node made it already ({})", slot, file.getFileName());
                return Optional.empty();
            }
            BackupResult result = Backups.create(db, file, options.get());
            stats = new Stats(clock.instant(), result.elapsed(), result.size(), stats.failures());
            LOG.info("scheduled backup of {} written: {} ({} bytes in {} ms)", slot, file.getFileName(), result.size(),
                    result.elapsed().toMillis());
            for (String deleted : catalog.pruneScheduled(schedule.keep())) {
                LOG.info("scheduled backup {} deleted: more than {} are kept", deleted, schedule.keep());
            }
            return Optional.of(result);
        }
    }

    private void scheduleNext() {
        ZonedDateTime now = ZonedDateTime.now(clock);
        Optional<ZonedDateTime> next = schedule.nextSlot(now);
        if (next.isEmpty()) {
            LOG.warn("backup.cron \"{}\" never fires again: no more scheduled backups", schedule.cron());
            return;
        }
        long delay = Math.max(0, Duration.between(now, next.get()).toMillis());
        timer.schedule(() -> {
            try {
                runSlot(next.get());
            } catch (SQLException | RuntimeException e) {
                // The node keeps serving; the operator sees the failure in its log and in backup list.
                LOG.error("scheduled backup of {} failed: {}", next.get(), e.getMessage(), e);
            }
            scheduleNext();
        }, delay, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
