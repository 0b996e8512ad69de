package dev.pitstop.backup;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * When scheduled backups are made and how many are kept, from the configuration
 * ({@code backup.cron}, {@code backup.keep}).
 *
 * @param cron a Unix cron expression (minute hour day-of-month month day-of-week), like
 *             {@code 0 3 * * *} for 03:00 every day, in the node's time zone
 * @param keep how many scheduled backups to keep; older ones are deleted after each new one
 */
public record BackupSchedule(String cron, int keep) {

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    public BackupSchedule {
        if (cron == null || cron.isBlank()) {
            throw new IllegalArgumentException("backup.cron is missing: give a cron expression like \"0 3 * * *\"");
        }
        parse(cron);
        if (keep < 1) {
            throw new IllegalArgumentException("backup.keep must be at least 1, got " + keep);
        }
    }

    /** The first slot after {@code time}, if the expression ever fires again. */
    public Optional<ZonedDateTime> nextSlot(ZonedDateTime time) {
        return ExecutionTime.forCron(parse(cron)).nextExecution(time);
    }

    private static Cron parse(String cron) {
        try {
            return PARSER.parse(cron).validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("backup.cron \"" + cron + "\" is not a cron expression"
                    + " (minute hour day-of-month month day-of-week, like \"0 3 * * *\"): " + e.getMessage(), e);
        }
    }
}
