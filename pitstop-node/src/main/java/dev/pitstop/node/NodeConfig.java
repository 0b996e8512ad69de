package dev.pitstop.node;

import dev.pitstop.backup.BackupSchedule;
import dev.pitstop.config.ConfigException;
import dev.pitstop.db.DbSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Everything a node is configured with, in one place. Loaded by {@link dev.pitstop.config.ConfigLoader}
 * from a YAML file, {@code PITSTOP_*} environment variables and {@code --set key=value} flags.
 */
public record NodeConfig(Db db, Http http, Identity node, String release, String storage, Backup backup,
                         Integer shutdownTimeoutSeconds, Integer heartbeatSeconds, Boolean exitWithParent) {

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
        return node.url() != null ? node.url() : "http://" + http.host() + ":" + http.port();
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
     * Backups made by the node: where they go, and optionally a schedule ({@code cron}, {@code keep})
     * and the password file that encrypts scheduled backups.
     */
    public record Backup(String dir, String cron, Integer keep, String passwordFile) {
    }
}
