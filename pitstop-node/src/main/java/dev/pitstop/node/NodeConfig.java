package dev.pitstop.node;

import dev.pitstop.backup.BackupSchedule;
import dev.pitstop.backup.PasswordSource;
import dev.pitstop.backup.format.ReadLimits;
import dev.pitstop.config.ConfigException;
import dev.pitstop.db.DbSettings;
import dev.pitstop.http.TlsSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Everything a node is configured with, in one place. Loaded by {@link dev.pitstop.config.ConfigLoader}
 * from a YAML file, {@code PITSTOP_*} environment variables and {@code --set key=value} flags.
 */
public record NodeConfig(Db db, Http http, Identity node, String release, String storage, Backup backup,
                         Integer shutdownTimeoutSeconds, Integer heartbeatSeconds, Boolean exitWithParent,
                         Limits limits, Tls tls) {

    public NodeConfig {
        if (db == null || db.url() == null) {
            throw new ConfigException("config key 'db.url' is required (the cluster's PostgreSQL, jdbc:postgresql://...)");
        }
        if (http == null || http.port() == null) {
            throw new ConfigException("config key 'http.port' is required");
        }
        if (node == null || node.id() == null || node.id().isBlank()) {
            throw new ConfigException("config key 'node.id' is required (a name unique in the cluster)");
        }
        if (release == null) {
            throw new ConfigException("config key 'release' is required (the release directory this node runs)");
        }
        if (storage == null) {
            throw new ConfigException("config key 'storage' is required (the storage directory all nodes share)");
        }
        backup = backup == null ? new Backup(null, null, null, null) : backup;
        shutdownTimeoutSeconds = positive("shutdown-timeout-seconds", shutdownTimeoutSeconds, 30);
        heartbeatSeconds = positive("heartbeat-seconds", heartbeatSeconds, 1);
        exitWithParent = exitWithParent != null && exitWithParent;
        limits = limits == null ? new Limits(null, null, null, null, null, null) : limits;
        tls = tls == null ? new Tls(null, null, null) : tls;
    }

    /** The database settings, with the password read from its file. */
    public DbSettings dbSettings() {
        String password = null;
        if (db.passwordFile() != null) {
            try {
                password = Files.readString(Path.of(db.passwordFile())).strip();
            } catch (IOException e) {
                throw new ConfigException("cannot read config key 'db.password-file' (" + db.passwordFile() + "): " + e.getMessage());
            }
        }
        try {
            return new DbSettings(db.url(), db.user(), password);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("config key 'db.url': " + e.getMessage());
        }
    }

    /** The URL other parts of the cluster reach this node at. */
    public String advertisedUrl() {
        return node.url() != null ? node.url()
                : (tls.settings() == null ? "http" : "https") + "://" + http.host() + ":" + http.port();
    }

    /** Where backups are kept: {@code backup.dir}, by default {@code backups} beside the storage directory. */
    public Path backupDir() {
        return backup.dir() != null ? Path.of(backup.dir()) : Path.of(storage).toAbsolutePath().resolveSibling("backups");
    }

    /** The schedule of automatic backups, or null when {@code backup.cron} is not set. */
    public BackupSchedule backupSchedule() {
        if (backup.cron() == null) {
            return null;
        }
        try {
            return new BackupSchedule(backup.cron(), backup.keep() == null ? 7 : backup.keep());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private static int positive(String key, Integer value, int fallback) {
        return (int) positive(key, value == null ? null : value.longValue(), (long) fallback);
    }

    private static long positive(String key, Long value, long fallback) {
        if (value == null) {
            return fallback;
        }
        if (value <= 0) {
            throw new ConfigException("config key '" + key + "' must be positive, got " + value);
        }
        return value;
    }

    public record Db(String url, String user, String passwordFile) {
    }

    public record Http(String host, Integer port) {
        public Http {
            host = host == null ? "127.0.0.1" : host;
            if (port != null && (port < 0 || port > 65535)) {
                throw new ConfigException("config key 'http.port' must be between 0 and 65535, got " + port);
            }
        }
    }

    public record Identity(String id, String url) {
    }

    /**
     * HTTPS for the node's port (its admin API and routes), for a node clients or operators reach
     * directly, as through a Kubernetes Service; behind the local gateway nodes listen on the
     * loopback interface only. {@code tls.http}: what a plain HTTP request gets, refuse (403) or
     * redirect (308).
     */
    public record Tls(String certificate, String key, String http) {

        public Tls {
            if ((certificate == null) != (key == null)) {
                throw new ConfigException("config keys 'tls.certificate' and 'tls.key' go together: set both (PEM"
                        + " files) for HTTPS, or neither");
            }
            try {
                TlsSettings.PlainHttp.of(http);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(e.getMessage());
            }
        }

        /** The settings, or null for plain HTTP. */
        public TlsSettings settings() {
            return certificate == null ? null
                    : new TlsSettings(Path.of(certificate), Path.of(key), TlsSettings.PlainHttp.of(http));
        }
    }

    /**
     * What a client may send. A body over a limit is refused with 413 before it is read whole,
     * so a client cannot make a node hold or write more than this.
     *
     * @param requestBodyBytes the largest request body a plugin route reads; default 1 MiB
     * @param pluginJarBytes   the largest plugin jar the admin API accepts; default 64 MiB
     * @param backupBlockBytes and the {@code backupKdf*} costs: what a backup file may make the node
     *                         allocate or compute ({@link ReadLimits}); null keeps the default
     */
    public record Limits(Long requestBodyBytes, Long pluginJarBytes, Long backupBlockBytes, Integer backupKdfMemoryKib,
                         Integer backupKdfIterations, Integer backupKdfParallelism) {

        public static final long DEFAULT_REQUEST_BODY_BYTES = 1L << 20;
        public static final long DEFAULT_PLUGIN_JAR_BYTES = 64L << 20;

        public Limits {
            requestBodyBytes = positive("limits.request-body-bytes", requestBodyBytes, DEFAULT_REQUEST_BODY_BYTES);
            pluginJarBytes = positive("limits.plugin-jar-bytes", pluginJarBytes, DEFAULT_PLUGIN_JAR_BYTES);
            // The parameters, not readLimits(): the fields are assigned only after this body.
            readLimits(backupBlockBytes, backupKdfMemoryKib, backupKdfIterations, backupKdfParallelism);
        }

        /** The limits on reading backup files. */
        public ReadLimits readLimits() {
            return readLimits(backupBlockBytes, backupKdfMemoryKib, backupKdfIterations, backupKdfParallelism);
        }

        private static ReadLimits readLimits(Long blockBytes, Integer kdfMemoryKib, Integer kdfIterations,
                                             Integer kdfParallelism) {
            try {
                return ReadLimits.of(blockBytes, kdfMemoryKib, kdfIterations, kdfParallelism);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("config key " + e.getMessage());
            }
        }
    }

    /**
     * Backups made by the node: where they go, and optionally a schedule ({@code cron}, {@code keep})
     * and the password file that encrypts the backups it makes (scheduled, and those the admin API
     * is asked for without a password) — the cluster's {@code backup.password-file}.
     */
    public record Backup(String dir, String cron, Integer keep, String passwordFile) {

        /** The password of {@link #passwordFile}, read when a backup needs it; none when it is not set. */
        public PasswordSource password() {
            return passwordFile == null ? PasswordSource.NONE : PasswordSource.file(Path.of(passwordFile));
        }
    }
}
