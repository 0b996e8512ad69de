package dev.pitstop.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import javax.sql.DataSource;

/** Connections to the cluster's PostgreSQL, named after the process that holds them. */
public final class Database {

    /** The schema the application's own tables live in; everything but the control schema's. */
    public static final String APP_SCHEMA = "app";

    /**
     * How long a node's request waits for a pooled connection. With the database gone, a request
     * fails (and is answered 503) after this instead of hanging for the pool's default 30 s.
     */
    public static final Duration POOL_WAIT = Duration.ofSeconds(1);

    /**
     * How long the supervisor and the gateway, which answer no client's request from the database,
     * wait for a pooled connection: long enough for a busy server to open one.
     */
    private static final Duration BACKGROUND_POOL_WAIT = Duration.ofSeconds(10);

    private Database() {
    }

    /**
     * A pool whose connections show {@code applicationName} in {@code pg_stat_activity}, which is
     * how a waiting node learns which node holds a lock.
     */
    public static HikariDataSource pool(DbSettings db, String applicationName, int size) {
        return pool(db, applicationName, size, null, BACKGROUND_POOL_WAIT);
    }

    /**
     * A pool whose connections resolve unqualified names in {@code schema} first, and whose
     * borrowers give up after {@code wait}.
     */
    public static HikariDataSource pool(DbSettings db, String applicationName, int size, String schema, Duration wait) {
        HikariConfig config = new HikariConfig();
        config.setSchema(schema);
        config.setJdbcUrl(db.url());
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(size);
        config.setPoolName(applicationName);
        config.addDataSourceProperty("ApplicationName", applicationName);
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(wait.toMillis());
        config.addDataSourceProperty("connectTimeout", "2"); // seconds; the driver's default is 10
        return new HikariDataSource(config);
    }

    /**
     * Waits until {@code pool} hands out a connection, trying for up to {@code patience}. A process
     * that starts must not give up after {@link #POOL_WAIT}, which is short so that requests fail fast
     * while the database is gone: a busy server, or password authentication on a loaded machine, can
     * take longer than that to open the pool's first connection.
     *
     * @throws SQLException the pool's last refusal, once {@code patience} has passed
     */
    public static void awaitConnection(DataSource pool, Duration patience) throws SQLException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try (Connection c = pool.getConnection()) {
                return;
            } catch (SQLException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
            }
        }
    }

    /** A connection outside any pool, for sessions that must outlive a pooled borrow (locks, LISTEN). */
    public static Connection connect(DbSettings db, String applicationName) throws SQLException {
        return connect(db, applicationName, Duration.ofSeconds(5));
    }

    /**
     * A connection that gives up after {@code timeout} (whole seconds, at least one) while connecting
     * and logging in: for checks that must not hang on a dead database.
     */
    public static Connection connect(DbSettings db, String applicationName, Duration timeout) throws SQLException {
        Properties props = new Properties();
        if (db.user() != null) {
            props.setProperty("user", db.user());
        }
        if (db.password() != null) {
            props.setProperty("password", db.password());
        }
        props.setProperty("ApplicationName", applicationName);
        String seconds = Long.toString(Math.max(1, timeout.toSeconds()));
        props.setProperty("connectTimeout", seconds);
        props.setProperty("loginTimeout", seconds);
        return DriverManager.getConnection(db.url(), props);
    }
}
