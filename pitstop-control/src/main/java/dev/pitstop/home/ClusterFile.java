package dev.pitstop.home;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * {@code cluster.json}: how the CLI, scripts and tests reach the cluster of a home — the gateway,
 * the admin API, the token file, the database — and which supervisor process runs it.
 *
 * @param gateway         URL clients use
 * @param admin           URL of the admin API (the gateway proxies {@code /admin/} to the nodes)
 * @param control         URL of the supervisor's control API (loopback only, admin token): how
 *                        procedures in other processes start and stop the supervisor's nodes
 * @param tokenFile       file holding the admin bearer token
 * @param bypassTokenFile file holding the token that passes the maintenance page
 * @param db              the cluster's database
 * @param pid             the supervisor's process id, while one runs
 * @param state           {@code starting}, {@code running}, {@code stopping} or {@code stopped}
 * @param release         directory of the release the nodes run
 * @param nodes           ids of the nodes, in start order
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClusterFile(String gateway, String admin, String control, String tokenFile, String bypassTokenFile,
                          Db db, Long pid, String state, String release, List<String> nodes) {

    public static final String STARTING = "starting";
    public static final String RUNNING = "running";
    public static final String STOPPING = "stopping";
    public static final String STOPPED = "stopped";

    /** Every process of the CLI, whether supervising or not, runs this main class. */
    private static final String CLI_MAIN_CLASS = "dev.pitstop.cli.Pitstop";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * @param passwordFile file holding the password, null when none is needed
     * @param embedded     whether the supervisor runs this database itself, under the home directory
     */
    public record Db(String url, String user, String passwordFile, boolean embedded) {
    }

    public static Optional<ClusterFile> read(Home home) {
        Path file = home.clusterFile();
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(MAPPER.readValue(file.toFile(), ClusterFile.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Replaces the file atomically, so a reader never sees half of it. */
    public void write(Home home) {
        Path file = home.clusterFile();
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(home.dir());
            MAPPER.writeValue(temp.toFile(), this);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public ClusterFile withState(String newState) {
        return new ClusterFile(gateway, admin, control, tokenFile, bypassTokenFile, db, pid, newState, release, nodes);
    }

    /** The nodes run {@code releaseDir} from now on. */
    public ClusterFile withRelease(String releaseDir) {
        return new ClusterFile(gateway, admin, control, tokenFile, bypassTokenFile, db, pid, state, releaseDir, nodes);
    }

    /** The state {@code stopped}, without a supervisor pid or its control API. */
    public ClusterFile stopped() {
        return new ClusterFile(gateway, admin, null, tokenFile, bypassTokenFile, db, null, STOPPED, release, nodes);
    }

    /**
     * The supervisor process, if it still runs. A pid alone is not proof: after a crash the system
     * may have given it to an unrelated process, so the command line must be Pitstop's as well.
     */
    public Optional<ProcessHandle> supervisor() {
        if (pid == null) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(CLI_MAIN_CLASS)).orElse(true));
    }
}
