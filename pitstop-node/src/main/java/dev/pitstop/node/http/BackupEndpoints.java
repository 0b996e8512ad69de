package dev.pitstop.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitstop.backup.BackupCatalog;
import dev.pitstop.backup.BackupException;
import dev.pitstop.backup.BackupInfo;
import dev.pitstop.backup.BackupOptions;
import dev.pitstop.backup.BackupResult;
import dev.pitstop.backup.Backups;
import dev.pitstop.backup.InvalidBackupException;
import dev.pitstop.backup.PasswordSource;
import dev.pitstop.backup.RestoreOptions;
import dev.pitstop.backup.RestoreRefusedException;
import dev.pitstop.backup.format.Manifest;
import dev.pitstop.control.AuditLog;
import dev.pitstop.control.Cluster;
import dev.pitstop.control.NodeRecord;
import dev.pitstop.control.NodeRegistry;
import dev.pitstop.control.NodeState;
import dev.pitstop.control.Requester;
import dev.pitstop.db.DbSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The backup part of the admin API: {@code GET /admin/backups}, {@code POST /admin/backups}
 * (create), {@code POST /admin/backups/{name}/verify}, {@code POST /admin/backups/{name}/restore},
 * {@code DELETE /admin/backups/{name}}. A password travels in the JSON body ({@code {"password": ...}}),
 * never in the URL; without one, the cluster's backup password ({@code backup.password-file}) is used
 * when it is set, so that every backup the cluster makes is encrypted with it. A restore replaces the data every node serves, so it is accepted only when the
 * cluster is in maintenance and down to this node, as the operations guide's in-app maintenance
 * demands; {@code pitstop backup restore} arranges all of that itself.
 */
final class BackupEndpoints {

    private final NodeView node;
    private final DbSettings db;
    private final Path storage;
    private final BackupCatalog catalog;
    private final NodeRegistry registry;
    private final Cluster cluster;
    private final AuditLog audit;
    private final PasswordSource clusterPassword;

    BackupEndpoints(NodeView node, DbSettings db, DataSource dataSource, Path storage, Path backupDir,
                    PasswordSource clusterPassword) {
        this.clusterPassword = clusterPassword;
        this.node = node;
        this.db = db;
        this.storage = storage;
        this.catalog = new BackupCatalog(backupDir);
        this.registry = new NodeRegistry(dataSource);
        this.cluster = new Cluster(dataSource);
        this.audit = new AuditLog(dataSource);
    }

    void handle(Request request, String method, String[] parts, Requester requester,
                Response response, Callback callback) {
        String name = parts.length > 1 ? parts[1] : null;
        String action = parts.length > 2 ? parts[2] : null;
        String route = method + " " + (name == null ? "" : "{name}") + (action == null ? "" : "/" + action);
        switch (route) {
            case "GET " -> Json.write(response, callback, 200, catalog.list().stream().map(BackupEndpoints::info).toList());
            case "POST " -> Json.write(response, callback, 201, create(request, requester));
            case "POST {name}/verify" -> Json.write(response, callback, 200,
                    summary(Backups.verify(catalog.resolve(name), password(request))));
            case "POST {name}/restore" -> Json.write(response, callback, 200, restore(name, request, requester));
            case "DELETE {name}" -> {
                catalog.delete(name);
                audit.record("backup delete", name, requester.actor(), requester.origin(), "succeeded", null);
                Json.write(response, callback, 200, Map.of("name", name, "deleted", true));
            }
            default -> Json.write(response, callback, 404, Map.of("error", "no admin endpoint " + method + " "
                    + Request.getPathInContext(request)));
        }
    }

    private Map<String, Object> create(Request request, Requester requester) {
        JsonNode body = Json.body(request);
        BackupOptions options = BackupOptions.defaults().withRelease(node.version()).withPassword(password(body));
        if (!body.path("no-storage").asBoolean(false)) {
            options = options.withStorage(storage);
        }
        try {
            BackupResult result = Backups.create(db, catalog.newFile(java.time.Instant.now()), options);
            audit.record("backup create", result.file().getFileName().toString(), requester.actor(), requester.origin(),
                    "succeeded", null);
            Map<String, Object> created = new LinkedHashMap<>();
            created.put("name", result.file().getFileName().toString());
            created.put("size", result.size());
            created.put("elapsedMillis", result.elapsed().toMillis());
            return created;
        } catch (BackupException e) {
            audit.record("backup create", null, requester.actor(), requester.origin(), "failed", e.getMessage());
            throw e;
        }
    }

    private Map<String, Object> restore(String name, Request request, Requester requester) {
        Path file = catalog.resolve(name);
        String refusal = restoreRefusal(file);
        if (refusal != null) {
            audit.record("backup restore", name, requester.actor(), requester.origin(), "refused", refusal);
            throw new RestoreRefusedException(refusal);
        }
        try {
            Manifest manifest = Backups.restore(db, file, RestoreOptions.forRelease(node.version())
                    .withStorage(storage).withPassword(password(Json.body(request))));
            audit.record("backup restore", name, requester.actor(), requester.origin(), "succeeded", null);
            return summary(manifest);
        } catch (BackupException e) {
            audit.record("backup restore", name, requester.actor(), requester.origin(),
                    e instanceof RestoreRefusedException || e instanceof InvalidBackupException ? "refused" : "failed",
                    e.getMessage());
            throw e;
        }
    }

    /** Why this node may not restore now, or null. */
    private String restoreRefusal(Path file) {
        // Read now, not from the node's cached mode: this check guards every client's data.
        if (!cluster.mode().maintenance()) {
            return "the cluster is serving; a restore through the admin API needs the status page up and the cluster"
                    + " down to this node (pitstop maintenance begin --page), or use 'pitstop backup restore', which does it all";
        }
        List<String> running = registry.list().stream()
                .filter(other -> !other.id().equals(node.id()) && other.state() != NodeState.STOPPED)
                .map(NodeRecord::id).toList();
        if (!running.isEmpty()) {
            return "other nodes are running (" + String.join(", ", running) + "); stop them first"
                    + " (pitstop maintenance begin), or use 'pitstop backup restore', which does it all";
        }
        String release = Backups.label(file).release();
        if (release != null && !release.equals(node.version())) {
            return "the backup was made by release " + release + " and this node runs " + node.version()
                    + "; restoring another release's backup needs 'pitstop backup restore', which also migrates it";
        }
        return null;
    }

    private static Map<String, Object> info(BackupInfo info) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", info.name());
        map.put("size", info.size());
        map.put("release", info.release());
        map.put("createdAt", info.createdAt() == null ? null : info.createdAt().toString());
        map.put("encrypted", info.encrypted());
        if (info.problem() != null) {
            map.put("problem", info.problem());
        }
        return map;
    }

    private static Map<String, Object> summary(Manifest manifest) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("release", manifest.release());
        map.put("createdAt", String.valueOf(manifest.createdAt()));
        map.put("verified", true);
        return map;
    }

    private PasswordSource password(Request request) {
        return password(Json.body(request));
    }

    private PasswordSource password(JsonNode body) {
        String password = body.path("password").asText(null);
        return password == null ? clusterPassword : PasswordSource.of(password.toCharArray());
    }
}
