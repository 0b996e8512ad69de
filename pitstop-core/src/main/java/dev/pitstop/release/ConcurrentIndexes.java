package dev.pitstop.release;

import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;

/**
 * Lets a Flyway run hold its migration lock outside a transaction. Flyway's default PostgreSQL
 * lock is an advisory lock taken in a transaction of its own, which {@code CREATE INDEX
 * CONCURRENTLY} waits for like any older transaction: the migration would wait for its runner.
 */
public final class ConcurrentIndexes {

    private ConcurrentIndexes() {
    }

    public static FluentConfiguration allowed(FluentConfiguration configuration) {
        configuration.getPluginRegister().getExact(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
        return configuration;
    }
}
