package dev.pitstop.control;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** The {@code pitstop} schema: cluster state that survives a restore of the application data. */
public final class ControlSchema {

    public static final String NAME = "pitstop";

    private ControlSchema() {
    }

    /** Brings the control schema up to this build's version; safe to run from many nodes at once. */
    public static void migrate(DataSource dataSource) {
        Flyway.configure(ControlSchema.class.getClassLoader())
                .dataSource(dataSource)
                .schemas(NAME)
                .table("schema_history")
                .locations("classpath:dev/pitstop/control/migration")
                .load()
                .migrate();
    }
}
