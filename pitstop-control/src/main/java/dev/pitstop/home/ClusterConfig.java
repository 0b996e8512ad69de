package dev.pitstop.home;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pitstop.backup.schema.AppSchemas;
import dev.pitstop.backup.PasswordSource;
import dev.pitstop.backup.format.ReadLimits;
import dev.pitstop.config.ConfigLoader;
import dev.pitstop.control.Policy;
import dev.pitstop.db.DbSettings;
import dev.pitstop.gateway.AccessLogSettings;
import dev.pitstop.gateway.GatewayConfig;
import dev.pitstop.http.TlsSettings;
import dev.pitstop.release.Release;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code pitstop.yml}: how the operator wants the cluster run — what its policy allows, and how a
 * procedure verifies a node before traffic returns to it. Read from the home, or the file given
 * with {@code --config}; every key can also come from the environment ({@code PITSTOP_POLICY_PLUGINS}).
 * An unknown key is an error. Every section is optional.
 *
 * <pre>
 * policy:
 *   plugins: window-only     # allowed | window-only | prohibited; default: window-only for more than one node
 *   upgrade: allowed         # allowed | prohibited; default: allowed
 * checks:                    # HTTP requests a verified node must answer as expected
 *   - path: /api/items
 *     status: 200            # default: 200
 *     body-contains: "["     # default: any body
 *     method: GET            # default: GET, or POST with a body
 *     headers: {X-Authenticator: basic}   # default: none
 *     body: {account: root, password: "${secret.root-password}"}  # JSON, default: none
 *     json-field: /data/token               # a JSON pointer the answer must hold; default: none
 * ready-timeout-seconds: 180 # how long a node may take to become ready; the first of a release
 *                            # installs or upgrades the database meanwhile; default: 180
 * cluster-key-file: /etc/pitstop/key/cluster.key # seals app.environment's secrets; default HOME/cluster.key
 * nodes: local               # where the nodes run: local | kubernetes; default: local
 * traffic: gateway           # what steers client traffic: gateway | nginx | haproxy | kubernetes (a Service,
 *                            # with nodes: kubernetes); default: gateway
 * nginx: ...                 # the settings of the driver chosen, see NginxSettings, HaproxySettings,
 * haproxy: ...               # KubernetesSettings; a section of a driver that is not chosen is an error,
 * kubernetes: ...            # as it would be silently ignored
 * app-schemas: [app]        # the application's schemas, for a database shared with other applications:
 *                            # backup, verify, restore and migration cover exactly these, and a restore
 *                            # drops and replaces only these; default: every schema but the control
 *                            # schema and PostgreSQL's own
 * backup:
 *   password-file: /etc/pitstop/backup-password  # encrypts every backup a procedure or a schedule makes
 *   scratch-database-url: jdbc:postgresql://HOST:PORT/NAME   # where a backup is replayed to prove it
 *                            # restores, for a database user that may not create databases; default:
 *                            # a database created beside the cluster's for each replay, then dropped
 * gateway:
 *   trust-forwarded-for: false # true only behind a proxy of your own that sets X-Forwarded-For: the
 *                              # gateway then appends to it; else it replaces what a client sent
 *   access-log: logs/access.log  # a line per request (combined format, node=, ms=), relative to the
 *                              # home, renamed with the date at midnight UTC; default: none
 *   access-log-retain-days: 14 # dated access logs older than this are deleted; default: 14
 *   drain-timeout-seconds: 30  # a draining node's WebSocket connections still open after this are closed
 *                              # by the gateway with 1001; default: 30, the nodes' shutdown-timeout-seconds
 *   h2c: false                 # HTTP/2 without TLS on the gateway's port, for a proxy in front that speaks
 *                              # it; not with tls (HTTPS offers HTTP/2 anyway); default: false
 * limits:                    # what a client may send to the local nodes (on Kubernetes: node config
 *   request-body-bytes: 1048576 # PITSTOP_LIMITS_*); the largest body a plugin route reads (413 above)
 *   plugin-jar-bytes: 67108864  # the largest plugin jar the admin API accepts (413 above, nothing written)
 *   backup-block-bytes: 268435456  # the largest block a backup or migration file may make the CLI or a
 *                                  # node allocate (at least 4 MiB); a larger claim refuses the file
 *   backup-kdf-memory-kib: 262144  # the largest Argon2id costs an encrypted backup may ask for before
 *   backup-kdf-iterations: 10      # its password is tried (at least what backups are made with:
 *   backup-kdf-parallelism: 16     # 65536, 3, 4); a costlier file is refused before deriving
 * tls:                       # HTTPS on the gateway's port; default: plain HTTP (up --tls self-signed makes
 *   certificate: cert.pem    # a development certificate instead); PEM chain and unencrypted PEM key,
 *   key: key.pem             # relative to the home
 *   http: refuse             # a plain HTTP request on that port: refuse (403) | redirect (308 to https)
 * logs:                      # the local nodes' logs (HOME/logs/NODE.log) and the supervisor's of up --detach
 *                            # (HOME/logs/supervisor.log, the gateway's with it): when one passes max-file-bytes it
 *   max-file-bytes: 10485760 # becomes NODE.log.1 (and .1 becomes .2...); files counts the current one too,
 *   files: 5                 # the oldest beyond it is deleted; defaults 10 MiB and 5 files
 * console:                   # where operators open the web console ('status' shows it); default: the local
 *   url: https://pitstop.example.com/.pitstop/  # supervisor's gateway, none on Kubernetes (status-page.yaml)
 * </pre>
 */
public record ClusterConfig(PolicyConfig policy, List<Check> checks, Integer readyTimeoutSeconds, String nodes,
                            String traffic, NginxSettings nginx, HaproxySettings haproxy,
                            KubernetesSettings kubernetes, BackupSettings backup, List<String> appSchemas,
                            String clusterKeyFile, GatewaySettings gateway, LimitsSettings limits, TlsConfig tls,
                            LogsSettings logs, ConsoleSettings console) {

    public static final String FILE_NAME = "pitstop.yml";

    public static final String NODES_LOCAL = "local";
    public static final String NODES_KUBERNETES = "kubernetes";
    public static final String TRAFFIC_GATEWAY = "gateway";
    public static final String TRAFFIC_NGINX = "nginx";
    public static final String TRAFFIC_HAPROXY = "haproxy";
    public static final String TRAFFIC_KUBERNETES = "kubernetes";
    private static final int DEFAULT_READY_TIMEOUT_SECONDS = 180;

    public ClusterConfig {
        policy = policy == null ? new PolicyConfig(null, null) : policy;
        gateway = gateway == null ? new GatewaySettings(null, null, null, null, null) : gateway;
        limits = limits == null ? new LimitsSettings(null, null, null, null, null, null) : limits;
        tls = tls == null ? new TlsConfig(null, null, null) : tls;
        logs = logs == null ? new LogsSettings(null, null) : logs;
        console = console == null ? new ConsoleSettings(null) : console;
        if (gateway.h2c() && tls.certificate() != null) {
            throw new IllegalArgumentException("config key 'gateway.h2c' is HTTP/2 without TLS, but the tls section "
                    + "configures HTTPS, over which the gateway offers HTTP/2 anyway: remove gateway.h2c or the tls section");
        }
        checks = checks == null ? List.of() : List.copyOf(checks);
        readyTimeoutSeconds = readyTimeoutSeconds == null ? DEFAULT_READY_TIMEOUT_SECONDS : readyTimeoutSeconds;
        if (readyTimeoutSeconds < 1) {
            throw new IllegalArgumentException("config key 'ready-timeout-seconds' must be at least 1, got "
                    + readyTimeoutSeconds);
        }
        nodes = nodes == null ? NODES_LOCAL : nodes;
        traffic = traffic == null ? TRAFFIC_GATEWAY : traffic;
        PolicyConfig.requireOneOf("nodes", nodes, Set.of(NODES_LOCAL, NODES_KUBERNETES));
        PolicyConfig.requireOneOf("traffic", traffic,
                Set.of(TRAFFIC_GATEWAY, TRAFFIC_NGINX, TRAFFIC_HAPROXY, TRAFFIC_KUBERNETES));
        if (traffic.equals(TRAFFIC_KUBERNETES) && !nodes.equals(NODES_KUBERNETES)) {
            throw new IllegalArgumentException("config traffic: kubernetes steers a Service between the "
                    + "application's pods and the status page's, so it needs nodes: kubernetes");
        }
        backup = backup == null ? new BackupSettings(null, null) : backup;
        appSchemas = appSchemas == null ? List.of() : List.copyOf(appSchemas);
        try {
            AppSchemas.of(appSchemas);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("config key 'app-schemas': " + e.getMessage(), e);
        }
        requireSection("nginx", nginx, traffic.equals(TRAFFIC_NGINX), "traffic: nginx");
        requireSection("haproxy", haproxy, traffic.equals(TRAFFIC_HAPROXY), "traffic: haproxy");
        requireSection("kubernetes", kubernetes, nodes.equals(NODES_KUBERNETES), "nodes: kubernetes");
    }

    /**
     * How long a procedure waits for a node to become ready before it counts the node as failed
     * (and an upgrade rolls back): it must cover the longest migration of a release.
     */
    public Duration readyTimeout() {
        return Duration.ofSeconds(readyTimeoutSeconds);
    }

    /** The application's schemas, as backups, restores and migrations cover them. */
    public AppSchemas applicationSchemas() {
        return AppSchemas.of(appSchemas);
    }

    /**
     * The file of the key that seals the secret values of {@code app.environment}: {@code cluster-key-file},
     * by default the home's {@code cluster.key}. It must stay outside the database and its backups.
     */
    public Path clusterKeyFile(Home home) {
        return clusterKeyFile != null ? Path.of(clusterKeyFile) : home.clusterKeyFile();
    }

    /** A driver's section is needed exactly when the driver is chosen. */
    private static void requireSection(String section, Object settings, boolean chosen, String chosenBy) {
        if (chosen && settings == null) {
            throw new IllegalArgumentException("config " + chosenBy + " needs the section '" + section
                    + "' with its settings (see the README, pitstop.yml)");
        }
        if (!chosen && settings != null) {
            throw new IllegalArgumentException("config section '" + section + "' is set but " + section
                    + " is not chosen; choose it (" + chosenBy + ") or remove the section");
        }
    }

    /**
     * Reads {@code file}, or {@code HOME/pitstop.yml} when no file is given; with neither, the defaults.
     *
     * @throws dev.pitstop.config.ConfigException naming the key and what is wrong with it
     */
    public static ClusterConfig load(Home home, Path file, Map<String, String> env) {
        Path source = file != null ? file : Files.exists(home.configFile()) ? home.configFile() : null;
        return ConfigLoader.load(ClusterConfig.class, source, env, Map.of());
    }

    /**
     * The cluster's backups. With {@code password-file} set, every backup a procedure takes (before an
     * upgrade, a migration, a restore) and every scheduled one is encrypted with that password, and
     * the CLI's {@code backup create} and {@code restore} use it unless given another.
     *
     * @param scratchDatabaseUrl an existing database the cluster's database user may create schemas
     *                           in, where backups are replayed in transactions that are rolled back;
     *                           null to create a scratch database for each replay
     * @param passwordFile       a file whose first line is the password (mode 0600 advised); null for none
     */
    public record BackupSettings(String scratchDatabaseUrl, String passwordFile) {

        public BackupSettings {
            if (scratchDatabaseUrl != null && !scratchDatabaseUrl.startsWith("jdbc:postgresql://")) {
                throw new IllegalArgumentException("config key 'backup.scratch-database-url' must look like "
                        + "jdbc:postgresql://HOST:PORT/DATABASE, got '" + scratchDatabaseUrl + "'");
            }
            if (passwordFile != null && passwordFile.isBlank()) {
                throw new IllegalArgumentException("config key 'backup.password-file' is empty: give the path of a "
                        + "file holding the password, or remove the key");
            }
        }

        /** The file's password, or {@link PasswordSource#NONE} when none is configured. */
        public PasswordSource password() {
            return passwordFile == null ? PasswordSource.NONE : PasswordSource.file(Path.of(passwordFile));
        }

        /** The scratch database, reached as the cluster's database user; null when none is configured. */
        public DbSettings scratch(DbSettings cluster) {
            return scratchDatabaseUrl == null ? null
                    : new DbSettings(scratchDatabaseUrl, cluster.user(), cluster.password());
        }
    }

    /**
     * @param plugins whether plugins may be changed: {@code allowed}, {@code window-only} (inside a
     *                maintenance window) or {@code prohibited}; null for the default
     * @param upgrade whether the cluster may be upgraded: {@code allowed} or {@code prohibited}; null for the default
     */
    public record PolicyConfig(String plugins, String upgrade) {

        public PolicyConfig {
            requireOneOf("policy.plugins", plugins, Set.of(Policy.ALLOWED, Policy.WINDOW_ONLY, Policy.PROHIBITED));
            requireOneOf("policy.upgrade", upgrade, Set.of(Policy.ALLOWED, Policy.PROHIBITED));
        }

        /**
         * The plugin policy for a cluster of {@code nodes}: with more than one node, a plugin change
         * on a serving cluster would reach the nodes one by one, so changes wait for a window unless
         * the operator allows them outright.
         */
        public String pluginsFor(int nodes) {
            if (plugins != null) {
                return plugins;
            }
            return nodes > 1 ? Policy.WINDOW_ONLY : Policy.ALLOWED;
        }

        public String upgradeOrDefault() {
            return upgrade == null ? Policy.ALLOWED : upgrade;
        }

        static void requireOneOf(String key, String value, Set<String> allowed) {
            if (value != null && !allowed.contains(value)) {
                throw new IllegalArgumentException("config key '" + key + "' must be one of "
                        + String.join(", ", allowed.stream().sorted().toList()) + ", got '" + value + "'");
            }
        }
    }

    /**
     * @param trustForwardedFor whether the gateway trusts the {@code X-Forwarded-For} and
     *                          {@code Forwarded} headers it receives (a proxy of the operator's in
     *                          front of it sets them); default false: replaced by the connection's address
     * @param accessLog         the gateway's access log, relative to the home; null for none
     * @param accessLogRetainDays how many days of dated access logs are kept
     * @param drainTimeoutSeconds how long a draining node's WebSocket connections stay open at most
     * @param h2c               whether the gateway speaks HTTP/2 without TLS too
     */
    public record GatewaySettings(Boolean trustForwardedFor, String accessLog, Integer accessLogRetainDays,
                                  Integer drainTimeoutSeconds, Boolean h2c) {

        public GatewaySettings {
            trustForwardedFor = trustForwardedFor != null && trustForwardedFor;
            h2c = h2c != null && h2c;
            drainTimeoutSeconds = drainTimeoutSeconds == null
                    ? (int) GatewayConfig.DEFAULT_DRAIN_TIMEOUT.toSeconds() : drainTimeoutSeconds;
            if (drainTimeoutSeconds < 1) {
                throw new IllegalArgumentException("config key 'gateway.drain-timeout-seconds' must be at least 1, got "
                        + drainTimeoutSeconds);
            }
            accessLogRetainDays = accessLogRetainDays == null ? AccessLogSettings.DEFAULT_RETAIN_DAYS : accessLogRetainDays;
            if (accessLogRetainDays < 1) {
                throw new IllegalArgumentException("config key 'gateway.access-log-retain-days' must be at least 1, got "
                        + accessLogRetainDays);
            }
        }

        /** {@code base} with these settings, the access log under {@code home}. */
        public GatewayConfig apply(GatewayConfig base, Path home) {
            return base.withTrustForwardedFor(trustForwardedFor)
                    .withAccessLog(accessLog == null ? null : new AccessLogSettings(home.resolve(accessLog),
                            accessLogRetainDays))
                    .withDrainTimeout(Duration.ofSeconds(drainTimeoutSeconds))
                    .withH2c(h2c);
        }
    }

    /** The gateway's HTTPS settings, or null for plain HTTP. */
    public TlsSettings tlsSettings() {
        return tls.certificate() == null ? null : new TlsSettings(Path.of(tls.certificate()), Path.of(tls.key()),
                TlsSettings.PlainHttp.of(tls.http()));
    }

    /**
     * @param certificate the PEM certificate chain; with {@code key}, or neither
     * @param key         the unencrypted PEM private key
     * @param http        {@code refuse} (default) or {@code redirect}: what a plain HTTP request gets
     */
    public record TlsConfig(String certificate, String key, String http) {

        public TlsConfig {
            if ((certificate == null) != (key == null)) {
                throw new IllegalArgumentException("config keys 'tls.certificate' and 'tls.key' go together: set both"
                        + " (PEM files) for HTTPS, or neither");
            }
            TlsSettings.PlainHttp.of(http);
        }
    }

    /**
     * Where operators open the web console, for {@code status}: needed where no local supervisor's gateway
     * serves it, as on Kubernetes, whose console is served by the pods of {@code pitstop gateway} behind a
     * Service or Ingress only the operator knows.
     *
     * @param url the console's address as a browser reaches it, ending in {@code /.pitstop/}; null for none
     */
    public record ConsoleSettings(String url) {

        public ConsoleSettings {
            if (url != null && !url.matches("https?://[^/\\s]+/\\.pitstop/")) {
                throw new IllegalArgumentException("config key 'console.url' must be the console's address as a "
                        + "browser reaches it, http(s)://HOST[:PORT]/.pitstop/ (the Service or Ingress in front of "
                        + "the pods of 'pitstop gateway'), got '" + url + "'");
            }
        }
    }

    /**
     * How the local nodes' logs and the background supervisor's rotate.
     *
     * @param maxFileBytes the size at which a log file is rotated; at least 1 KiB, default 10 MiB
     * @param files        how many files a log keeps, the current one included: 2 to 21, default 5
     *                     (Logback's rolling window holds at most 20 rotated files)
     */
    public record LogsSettings(Long maxFileBytes, Integer files) {

        public LogsSettings {
            maxFileBytes = maxFileBytes == null ? 10L << 20 : maxFileBytes;
            files = files == null ? 5 : files;
            if (maxFileBytes < 1024) {
                throw new IllegalArgumentException("config key 'logs.max-file-bytes' must be at least 1024, got "
                        + maxFileBytes);
            }
            if (files < 2 || files > 21) {
                throw new IllegalArgumentException("config key 'logs.files' must be 2 to 21 (the current file and"
                        + " up to 20 rotated ones), got " + files);
            }
        }
    }

    /**
     * The nodes' limits on what clients send; null keeps the node's default (1 MiB, 64 MiB). The
     * node checks the values, as for {@code --set}. The limits on reading backup files apply to the
     * CLI ({@link #readLimits}) and the local nodes alike.
     */
    public record LimitsSettings(Long requestBodyBytes, Long pluginJarBytes, Long backupBlockBytes,
                                 Integer backupKdfMemoryKib, Integer backupKdfIterations,
                                 Integer backupKdfParallelism) {

        public LimitsSettings {
            // The parameters, not readLimits(): the fields are assigned only after this body.
            ReadLimits.of(backupBlockBytes, backupKdfMemoryKib, backupKdfIterations, backupKdfParallelism);
        }

        /**
         * The limits on reading backup and migration files.
         *
         * @throws IllegalArgumentException for values that would refuse the backups Pitstop makes
         */
        public ReadLimits readLimits() {
            return ReadLimits.of(backupBlockBytes, backupKdfMemoryKib, backupKdfIterations, backupKdfParallelism);
        }

        /** As node configuration keys, for the local nodes. */
        public Map<String, String> nodeSettings() {
            Map<String, String> settings = new java.util.LinkedHashMap<>();
            putIfSet(settings, "limits.request-body-bytes", requestBodyBytes);
            putIfSet(settings, "limits.plugin-jar-bytes", pluginJarBytes);
            putIfSet(settings, "limits.backup-block-bytes", backupBlockBytes);
            putIfSet(settings, "limits.backup-kdf-memory-kib", backupKdfMemoryKib);
            putIfSet(settings, "limits.backup-kdf-iterations", backupKdfIterations);
            putIfSet(settings, "limits.backup-kdf-parallelism", backupKdfParallelism);
            return settings;
        }

        private static void putIfSet(Map<String, String> settings, String key, Number value) {
            if (value != null) {
                settings.put(key, value.toString());
            }
        }
    }

    /**
     * An HTTP request a node must answer as expected before a procedure lets traffic back to it. The same
     * entries may stand in a release's {@code release.json} ({@code "checks"}), for the nodes of that release.
     * Header values and the body's strings may hold {@code ${secret.NAME}}, the cluster's secret (say a
     * password to sign in with), filled as the request is sent and never shown.
     *
     * @param method       default {@code GET}
     * @param path         starting with {@code /}, sent to the node
     * @param status       the expected status; default 200
     * @param bodyContains a text the body must contain; null for any body
     * @param headers      request headers, e.g. {@code Content-Type}; none by default
     * @param body         a JSON request body (sent as {@code application/json}); null for none
     * @param jsonField    a JSON pointer (e.g. {@code /data/token}) the answer's JSON must hold, not empty; null for none
     */
    public record Check(String method, String path, Integer status, String bodyContains, Map<String, String> headers,
                        JsonNode body, String jsonField) {

        public Check {
            method = method == null ? (body == null ? "GET" : "POST") : method;
            status = status == null ? 200 : status;
            headers = headers == null ? Map.of() : Map.copyOf(headers);
            if (path == null || !path.startsWith("/")) {
                throw new IllegalArgumentException("each entry of config key 'checks' needs a 'path' starting with /"
                        + (path == null ? "" : ", got '" + path + "'"));
            }
            if (status < 100 || status > 599) {
                throw new IllegalArgumentException("config key 'checks' has status " + status + " for " + path
                        + "; an HTTP status is between 100 and 599");
            }
            if (jsonField != null && !jsonField.startsWith("/")) {
                throw new IllegalArgumentException("config key 'checks' has json-field '" + jsonField + "' for " + path
                        + "; it is a JSON pointer, starting with / (e.g. /data/token)");
            }
        }

        /**
         * The checks a release declares for its nodes: {@code "checks"} in its {@code release.json}, entries as in
         * pitstop.yml; none when it has none.
         *
         * @throws dev.pitstop.config.ConfigException naming the file when an entry is invalid
         */
        public static List<Check> declaredBy(Release release) {
            Path descriptor = release.dir().resolve(Release.DESCRIPTOR);
            JsonNode checks;
            try {
                checks = new ObjectMapper().readTree(descriptor.toFile()).get("checks");
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + descriptor + ": " + e.getMessage(), e);
            }
            return checks == null || checks.isNull() ? List.of()
                    : ConfigLoader.readList(checks, Check.class, descriptor + ", \"checks\"");
        }

        /** Jackson's own message for an unknown key names the Java class; an operator needs the key. */
        @JsonAnySetter
        void unknownKey(String key, Object value) {
            throw new IllegalArgumentException("unknown key '" + key + "' in an entry of config key 'checks'; "
                    + "known keys: method, path, status, body-contains, headers, body, json-field");
        }

        /** What is asked and expected; never the body, which may hold a password. */
        @Override
        public String toString() {
            return method + " " + path + " → " + status + (bodyContains == null ? "" : " containing '" + bodyContains + "'")
                    + (jsonField == null ? "" : " with " + jsonField);
        }
    }
}
