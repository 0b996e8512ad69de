package dev.pitstop.release;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batched backfills ({@link MigrationScript#batched()}): a migration that changes at most a batch of
 * rows each time it runs is repeated until it changes no row. The one loop every path that runs
 * migrations uses: the online upgrade, each batch in its own transaction while old nodes serve; a
 * node's first install, offline upgrade or plugin install, through {@link #repeatAfterFlyway}, in
 * the transaction of the owner's migrations, so that the later ones find every row backfilled.
 */
public final class BatchedMigrations {

    private static final Logger log = LoggerFactory.getLogger(BatchedMigrations.class);

    private BatchedMigrations() {
    }

    /**
     * Runs {@code script} on {@code connection} until it changes no row, each run in the
     * connection's current transaction mode (with auto-commit, each batch its own transaction).
     *
     * @return the rows changed in all
     */
    public static long repeatUntilNoRow(Connection connection, MigrationScript script) throws SQLException {
        long total = 0;
        try (Statement statement = connection.createStatement()) {
            int changed;
            do {
                changed = statement.executeUpdate(script.sql());
                total += changed;
            } while (changed > 0);
        }
        log.info("Batched migration {} changed {} rows until a batch changed none", script.describe(), total);
        return total;
    }

    /**
     * A Flyway callback that, right after Flyway ran a batched migration of {@code set} once,
     * repeats it on Flyway's connection (in its transaction) until it changes no row.
     */
    public static Callback repeatAfterFlyway(MigrationSet set) {
        List<MigrationScript> batched = set.scripts().stream().filter(MigrationScript::batched).toList();
        return new Callback() {
            @Override
            public boolean supports(Event event, Context context) {
                return event == Event.AFTER_EACH_MIGRATE && batchedOf(context.getMigrationInfo()) != null;
            }

            @Override
            public boolean canHandleInTransaction(Event event, Context context) {
                return true;
            }

            @Override
            public void handle(Event event, Context context) {
                MigrationScript script = batchedOf(context.getMigrationInfo());
                try {
                    repeatUntilNoRow(context.getConnection(), script);
                } catch (SQLException e) {
                    throw new FlywayException("batched migration " + script.describe() + " failed when repeated: "
                            + e.getMessage(), e);
                }
            }

            @Override
            public String getCallbackName() {
                return "repeat batched migrations of " + set.owner();
            }

            private MigrationScript batchedOf(MigrationInfo info) {
                if (info == null || info.getVersion() == null) {
                    return null;
                }
                return batched.stream().filter(s -> s.flywayVersion().equals(info.getVersion())).findFirst()
                        .orElse(null);
            }
        };
    }
}
