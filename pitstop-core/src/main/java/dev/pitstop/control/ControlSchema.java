package dev.pitstop.control;

import dev.pitstop.db.Database;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** The {@code pitstop} schema: cluster state that survives a restore of the application data. */
public final class ControlSchema {

    public static final String NAME = "pitstop";

    private ControlSchema() {
    }

    /** Brings the control schema up to this build's version; safe to run from many nodes at once. */
    /** How long a starting process waits for the database's first connection. */
    private static final Duration STARTUP_PATIENCE = Duration.ofSeconds(60);

    public static void migrate(DataSource dataSource) {
        // The first use of the database by every process that starts: wait for it as a start may.
        try {
            Database.awaitConnection(dataSource, STARTUP_PATIENCE);
        } catch (SQLException e) {
            throw new IllegalStateException("the database did not accept a connection within "
                    + STARTUP_PATIENCE.toSeconds() + " s: " + e.getMessage(), e);
        }
        Flyway.configure(ControlSchema.class.getClassLoader())
                .dataSource(dataSource)
                .schemas(NAME)
                .table("schema_history")
                .locations("classpath:dev/pitstop/control/migration")
                .load()
                .migrate();
    }
}
