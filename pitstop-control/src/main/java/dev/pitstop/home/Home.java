package dev.pitstop.home;

import java.nio.file.Path;
import java.util.Map;

/**
 * A Pitstop home directory: how to reach the cluster ({@code cluster.json}), its tokens, the
 * embedded database, logs, node configurations and shared storage. One home holds one cluster.
 */
public record Home(Path dir) {

    public static final String ENV = "PITSTOP_HOME";
    public static final Path DEFAULT = Path.of(".pitstop");

    public Home {
        dir = dir.toAbsolutePath().normalize();
    }

    /** The home given by option, else by {@value #ENV}, else {@code ./.pitstop}. */
    public static Home resolve(Path option, Map<String, String> env) {
        if (option != null) {
            return new Home(option);
        }
        String fromEnv = env.get(ENV);
        return new Home(fromEnv == null || fromEnv.isBlank() ? DEFAULT : Path.of(fromEnv));
    }

    /** The operator's configuration, {@value ClusterConfig#FILE_NAME}; optional. */
    public Path configFile() {
        return dir.resolve(ClusterConfig.FILE_NAME);
    }

    public Path clusterFile() {
        return dir.resolve("cluster.json");
    }

    public Path adminTokenFile() {
        return dir.resolve("admin.token");
    }

    public Path bypassTokenFile() {
        return dir.resolve("bypass.token");
    }

    /** The development certificate of {@code up --tls self-signed}, and the CA the CLI trusts by default. */
    public Path tlsDir() {
        return dir.resolve("tls");
    }

    public Path databaseDir() {
        return dir.resolve("db");
    }

    /** The embedded database's superuser password (mode 0600); nothing connects to it without. */
    public Path databasePasswordFile() {
        return dir.resolve("db.password");
    }

    /** The key that seals the secret values of {@code app.environment} (mode 0600), unless pitstop.yml names another. */
    public Path clusterKeyFile() {
        return dir.resolve("cluster.key");
    }

    /**
     * The secrets the nodes of a process release ask for as {@code ${secret.NAME}}, one file each (mode
     * 0600), made once per cluster: NocoBase's session key and root password.
     */
    public Path secretsDir() {
        return dir.resolve("secrets");
    }

    /** This cluster's key pair for signing migration files, and the public keys it trusts. */
    public Path migrationKeysDir() {
        return dir.resolve("migration-keys");
    }

    public Path storageDir() {
        return dir.resolve("storage");
    }

    /** Where {@code pitstop backup} and the nodes keep backups. */
    public Path backupsDir() {
        return dir.resolve("backups");
    }

    public Path logsDir() {
        return dir.resolve("logs");
    }

    /** The local cluster's scrape targets for Prometheus (file-based service discovery), written by {@code up}. */
    public Path prometheusTargetsDir() {
        return dir.resolve("prometheus");
    }

    public Path supervisorLog() {
        return logsDir().resolve("supervisor.log");
    }

    public Path databaseLog() {
        return logsDir().resolve("postgres.log");
    }

    public Path nodeLog(String nodeId) {
        return logsDir().resolve(nodeId + ".log");
    }

    public Path nodeConfig(String nodeId) {
        return dir.resolve("nodes").resolve(nodeId + ".yaml");
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
