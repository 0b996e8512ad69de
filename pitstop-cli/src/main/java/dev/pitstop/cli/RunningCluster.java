package dev.pitstop.cli;

import dev.pitstop.home.ClusterFile;
import dev.pitstop.home.Home;
import dev.pitstop.procedure.OperationException;
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
    private final DataSource controlDb;

    private RunningCluster(ClusterFile file, DataSource controlDb) {
        this.file = file;
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
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(file.db().url());
        dataSource.setUser(file.db().user());
        if (file.db().passwordFile() != null) {
            dataSource.setPassword(readPassword(Path.of(file.db().passwordFile())));
        }
        dataSource.setConnectTimeout(CONNECT_TIMEOUT_SECONDS);
        dataSource.setApplicationName("pitstop-cli");
        try (Connection ignored = dataSource.getConnection()) {
            // Connecting is the check: a clear message here beats one from the first query.
        } catch (SQLException e) {
            throw OperationException.failed("cannot reach the cluster's database " + file.db().url() + ": "
                    + e.getMessage());
        }
        return new RunningCluster(file, dataSource);
    }

    private static String readPassword(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw OperationException.failed("cannot read the database password file " + file + ": " + e);
        }
    }

    ClusterFile file() {
        return file;
    }

    DataSource controlDb() {
        return controlDb;
    }
}
