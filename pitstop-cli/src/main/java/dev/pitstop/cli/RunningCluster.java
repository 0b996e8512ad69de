package dev.pitstop.cli;

import dev.pitstop.db.DbSettings;
import dev.pitstop.driver.NodeDriver;
import dev.pitstop.home.ClusterFile;
import dev.pitstop.home.Home;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.supervisor.SupervisorNodeDriver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** The cluster running in a home, reached through what its {@code cluster.json} says. */
final class RunningCluster {

    private static final int CONNECT_TIMEOUT_SECONDS = 5;

    private final ClusterFile file;
    private final DbSettings db;
    private final DataSource controlDb;

    private RunningCluster(ClusterFile file, DbSettings db, DataSource controlDb) {
        this.file = file;
        this.db = db;
        this.controlDb = controlDb;
    }

    /**
     * @throws OperationException (failed) when no supervisor runs in the home, or its database cannot be reached
     */
    static RunningCluster open(Home home) {
        ClusterFile file = ClusterFile.read(home)
                .filter(f -> f.supervisor().isPresent())
                .orElseThrow(() -> OperationException.failed("no cluster running in " + home
                        + " (start one with: pitstop up)"));
        String password = file.db().passwordFile() == null ? null
                : read(Path.of(file.db().passwordFile()), "the database password file");
        DbSettings db = new DbSettings(file.db().url(), file.db().user(), password);
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(db.url());
        dataSource.setUser(db.user());
        dataSource.setPassword(db.password());
        dataSource.setConnectTimeout(CONNECT_TIMEOUT_SECONDS);
        dataSource.setApplicationName("pitstop-cli");
        try (Connection ignored = dataSource.getConnection()) {
            // Connecting is the check: a clear message here beats one from the first query.
        } catch (SQLException e) {
            throw OperationException.failed("cannot reach the cluster's database " + db.url() + ": " + e.getMessage());
        }
        return new RunningCluster(file, db, dataSource);
    }

    ClusterFile file() {
        return file;
    }

    DbSettings db() {
        return db;
    }

    DataSource controlDb() {
        return controlDb;
    }

    String adminToken() {
        return read(Path.of(file.tokenFile()), "the admin token file");
    }

    String bypassToken() {
        return read(Path.of(file.bypassTokenFile()), "the bypass token file");
    }

    /** The nodes, driven through the supervisor's control API. */
    NodeDriver nodes() {
        if (file.control() == null) {
            throw OperationException.failed("cluster.json has no control API URL: the cluster was started by an "
                    + "older pitstop; restart it with 'pitstop down' and 'pitstop up'");
        }
        return new SupervisorNodeDriver(file.control(), adminToken());
    }

    private static String read(Path file, String what) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw OperationException.failed("cannot read " + what + " " + file + ": " + e);
        }
    }
}
