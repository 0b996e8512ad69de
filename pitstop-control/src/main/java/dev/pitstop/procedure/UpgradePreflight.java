package dev.pitstop.procedure;

import dev.pitstop.control.Cluster;
import dev.pitstop.control.Policy;
import dev.pitstop.release.ProcessNode;
import dev.pitstop.release.Release;
import dev.pitstop.release.Versions;
import dev.pitstop.secret.PrivateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.sql.DataSource;

/**
 * The checks an upgrade must pass before anything changes, shown by {@code pitstop upgrade --plan}
 * and enforced when it starts.
 */
public final class UpgradePreflight {

    /** One check: what was checked, whether it passed, and what was found. */
    public record Check(String name, boolean passed, String detail) {
    }

    private final DataSource dataSource;
    private final Cluster cluster;
    private final Path storage;

    public UpgradePreflight(DataSource dataSource, Cluster cluster, Path storage) {
        this.dataSource = dataSource;
        this.cluster = cluster;
        this.storage = storage;
    }

    public List<Check> run(Release target, String installed, Path backupDir) {
        List<Check> checks = new ArrayList<>();
        boolean newer = !installed.isEmpty() && Versions.compare(target.version(), installed) > 0;
        checks.add(new Check("target release is newer than the installed one", newer, newer
                ? target.version() + " > " + installed
                : "the target release " + target.version() + " is not newer than the installed "
                + (installed.isEmpty() ? "(none)" : installed)));
        String policy = cluster.policy().upgrade();
        checks.add(new Check("policy allows upgrades", !Policy.PROHIBITED.equals(policy),
                Policy.PROHIBITED.equals(policy) ? "upgrades are prohibited by the cluster's policy (policy.upgrade:"
                        + " prohibited); change it in pitstop.yml and restart the cluster to allow them"
                        : "policy.upgrade: " + policy));
        if (ProcessNode.of(target).isPresent()) {
            // Pitstop keeps no plugin table for such an application: it checks its own plugins.
            checks.add(new Check("every plugin accepts release " + target.version(), true, "the application's own "
                    + "upgrade command checks its plugins; if it fails, the upgrade rolls back"));
        } else {
            List<String> unmet = unmetRequirements(target);
            checks.add(new Check("every plugin accepts release " + target.version(), unmet.isEmpty(),
                    unmet.isEmpty() ? "all do" : String.join("; ", unmet)));
        }
        checks.add(diskForBackup(backupDir));
        return checks;
    }

    /**
     * The installed and enabled plugins of Pitstop's runtime, which every node must have loaded after the
     * upgrade (an application described as a process keeps its own).
     */
    public Set<String> enabledPlugins() {
        Set<String> ids = new LinkedHashSet<>();
        query("SELECT id FROM app.plugins WHERE enabled AND installed ORDER BY id", rs -> ids.add(rs.getString(1)));
        return ids;
    }

    private List<String> unmetRequirements(Release target) {
        Map<String, Path> jars = new LinkedHashMap<>();
        query("SELECT id, file FROM app.plugins WHERE enabled AND file IS NOT NULL ORDER BY id",
                rs -> jars.put(rs.getString(1), storage.resolve("plugins").resolve(rs.getString(2))));
        target.plugins().forEach(jar -> jars.put(jar.getFileName().toString(), jar));
        List<String> unmet = new ArrayList<>();
        jars.forEach((name, jar) -> {
            Properties descriptor = descriptor(jar);
            String requires = descriptor.getProperty("plugin.requires", "");
            if (!Versions.satisfies(target.version(), requires)) {
                unmet.add("plugin " + descriptor.getProperty("plugin.id", name) + " "
                        + descriptor.getProperty("plugin.version", "") + " requires release " + requires);
            }
        });
        return unmet;
    }

    /** A backup is smaller than the data it holds, so the data's size is a safe estimate. */
    private Check diskForBackup(Path backupDir) {
        long[] database = new long[1];
        query("SELECT pg_database_size(current_database())", rs -> database[0] = rs.getLong(1));
        long needed = database[0] + size(storage);
        try {
            PrivateFiles.createDirectories(backupDir);
            long free = Files.getFileStore(backupDir).getUsableSpace();
            return new Check("disk space for the backup in " + backupDir, free > needed,
                    "needs up to " + megabytes(needed) + ", " + megabytes(free) + " free");
        } catch (IOException e) {
            return new Check("disk space for the backup in " + backupDir, false, "cannot use " + backupDir + ": " + e.getMessage());
        }
    }

    private static Properties descriptor(Path jar) {
        Properties properties = new Properties();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry("plugin.properties");
            if (entry != null) {
                try (InputStream in = zip.getInputStream(entry)) {
                    properties.load(in);
                }
            }
        } catch (IOException e) {
            properties.setProperty("plugin.requires", "unreadable");
        }
        return properties;
    }

    private static long size(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    private static String megabytes(long bytes) {
        return (bytes / (1024 * 1024)) + " MiB";
    }

    private interface Row {
        void read(ResultSet rs) throws SQLException;
    }

    private void query(String sql, Row row) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                row.read(rs);
            }
        } catch (SQLException e) {
            throw OperationException.failed("cannot read the cluster's database: " + e.getMessage());
        }
    }
}
