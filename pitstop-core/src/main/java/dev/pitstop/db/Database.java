package dev.pitstop.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Connections to the cluster's PostgreSQL, named after the process that holds them. */
public final class Database {

    /** The schema the application's own tables live in; everything but the control schema's. */
    public static final String APP_SCHEMA = "app";

    private Database() {
    }

    /**
     * A pool whose connections show {@code applicationName} in {@code pg_stat_activity}, which is
     * how a waiting node learns which node holds a lock.
     */
    public static HikariDataSource pool(DbSettings db, String applicationName, int size) {
        return pool(db, applicationName, size, null);
    }

    /** A pool whose connections resolve unqualified names in {@code schema} first. */
    public static HikariDataSource pool(DbSettings db, String applicationName, int size, String schema) {
        HikariConfig config = new HikariConfig();
        config.setSchema(schema);
        config.setJdbcUrl(db.url());
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(size);
        config.setPoolName(applicationName);
        config.addDataSourceProperty("ApplicationName", applicationName);
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }

    /** A connection outside any pool, for sessions that must outlive a pooled borrow (locks, LISTEN). */
    public static Connection connect(DbSettings db, String applicationName) throws SQLException {
        Properties props = new Properties();
        if (db.user() != null) {
            props.setProperty("user", db.user());
        }
        if (db.password() != null) {
            props.setProperty("password", db.password());
        }
        props.setProperty("ApplicationName", applicationName);
        props.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(db.url(), props);
    }
}
