package dev.pitstop.home;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pitstop.backup.PasswordSource;
import dev.pitstop.backup.format.KeyDerivation;
import dev.pitstop.backup.format.ReadLimits;
import dev.pitstop.config.ConfigException;
import dev.pitstop.gateway.AccessLogSettings;
import dev.pitstop.gateway.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterConfigTest {

    @TempDir
    Path dir;

    @Test
    void defaultsToWindowOnlyPluginChangesForMoreThanOneNode() {
        ClusterConfig config = ClusterConfig.load(new Home(dir), null, Map.of());

        assertThat(config.policy().pluginsFor(3)).isEqualTo("window-only");
        assertThat(config.policy().pluginsFor(1)).isEqualTo("allowed");
        assertThat(config.policy().upgradeOrDefault()).isEqualTo("allowed");
        assertThat(config.checks()).isEmpty();
    }

    @Test
    void backupPasswordAndClusterKeyAreFilesOfTheOperatorsChoice() throws Exception {
        Home home = new Home(dir);
        ClusterConfig defaults = ClusterConfig.load(home, null, Map.of());
        assertThat(defaults.backup().password()).isSameAs(PasswordSource.NONE);
        assertThat(defaults.clusterKeyFile(home)).isEqualTo(dir.resolve("cluster.key"));

        Path password = Files.writeString(dir.resolve("backup-password"), "s3cret\n");
        Files.writeString(dir.resolve("pitstop.yml"), "backup:\n  password-file: " + password
                + "\ncluster-key-file: /etc/pitstop/cluster.key\n");
        ClusterConfig config = ClusterConfig.load(home, null, Map.of());

        assertThat(config.backup().password().password()).containsExactly('s', '3', 'c', 'r', 'e', 't');
        assertThat(config.clusterKeyFile(home)).isEqualTo(Path.of("/etc/pitstop/cluster.key"));
        Files.writeString(dir.resolve("pitstop.yml"), "backup:\n  password-file: ' '\n");
        assertThatThrownBy(() -> ClusterConfig.load(home, null, Map.of()))
                .hasMessageContaining("config key 'backup.password-file' is empty");
    }

    @Test
    void backupReadLimitsHaveDefaultsAndReachTheLocalNodes() throws Exception {
        Home home = new Home(dir);
        assertThat(ClusterConfig.load(home, null, Map.of()).limits().readLimits()).isEqualTo(ReadLimits.DEFAULT);

        Files.writeString(dir.resolve("pitstop.yml"), "limits:\n  backup-block-bytes: 16777216\n"
                + "  backup-kdf-iterations: 4\n");
        ClusterConfig config = ClusterConfig.load(home, null, Map.of());

        assertThat(config.limits().readLimits()).isEqualTo(new ReadLimits(16 << 20, new KeyDerivation.Cost(
                ReadLimits.DEFAULT.kdf().memoryKiB(), 4, ReadLimits.DEFAULT.kdf().parallelism())));
        assertThat(config.limits().nodeSettings()).containsExactly(Map.entry("limits.backup-block-bytes", "16777216"),
                Map.entry("limits.backup-kdf-iterations", "4"));
        Files.writeString(dir.resolve("pitstop.yml"), "limits:\n  backup-block-bytes: 1024\n");
        assertThatThrownBy(() -> ClusterConfig.load(home, null, Map.of()))
                .hasMessageContaining("limits.backup-block-bytes is 1024: it must be at least 4194304 (4 MiB)");
    }

    @Test
    void gatewaySettingsMakeTheGatewaysConfigAndH2cIsRefusedWithTls() throws Exception {
        Home home = new Home(dir);
        GatewayConfig defaults = ClusterConfig.load(home, null, Map.of()).gateway().apply(GatewayConfig.defaults(), dir);
        Files.writeString(dir.resolve("pitstop.yml"), "gateway:\n  access-log: logs/access.log\n"
                + "  drain-timeout-seconds: 5\n  h2c: true\n");
        GatewayConfig configured = ClusterConfig.load(home, null, Map.of()).gateway().apply(GatewayConfig.defaults(), dir);
        Files.writeString(dir.resolve("pitstop.yml"), "gateway:\n  h2c: true\ntls:\n  certificate: cert.pem\n"
                + "  key: key.pem\n");

        assertThat(defaults).isEqualTo(GatewayConfig.defaults());
        assertThat(configured.accessLog()).isEqualTo(new AccessLogSettings(dir.resolve("logs/access.log"),
                AccessLogSettings.DEFAULT_RETAIN_DAYS));
        assertThat(configured.drainTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(configured.h2c()).isTrue();
        assertThatThrownBy(() -> ClusterConfig.load(home, null, Map.of()))
                .hasMessageContaining("config key 'gateway.h2c' is HTTP/2 without TLS");
    }

    @Test
    void theKubernetesManifestsConfigureAnAccessLogForTheGateway() throws Exception {
        // The pitstop.yml of the ConfigMap that the status page's gateway pods read.
        String manifest = Files.readString(Path.of("../deploy/kubernetes/pitstop-cli.yaml"));
        String block = manifest.substring(manifest.indexOf("  pitstop.yml: |\n") + "  pitstop.yml: |\n".length(),
                manifest.indexOf("\n---"));
        Files.writeString(dir.resolve("pitstop.yml"), block.lines()
                .map(line -> line.length() >= 4 ? line.substring(4) : line.strip())
                .collect(java.util.stream.Collectors.joining("\n")));

        GatewayConfig gateway = ClusterConfig.load(new Home(dir), null, Map.of()).gateway()
                .apply(GatewayConfig.defaults(), Path.of("/var/lib/pitstop"));

        assertThat(gateway.accessLog()).isNotNull();
        assertThat(gateway.accessLog().file()).isEqualTo(Path.of("/var/log/pitstop/access.log"));
    }

    @Test
    void theConsoleUrlIsWhereABrowserOpensTheConsoleOrNothing() throws Exception {
        Home home = new Home(dir);
        assertThat(ClusterConfig.load(home, null, Map.of()).console().url()).isNull();
        Files.writeString(dir.resolve("pitstop.yml"), "console:\n  url: https://ops.example.com/.pitstop/\n");
        assertThat(ClusterConfig.load(home, null, Map.of()).console().url()).isEqualTo("https://ops.example.com/.pitstop/");

        Files.writeString(dir.resolve("pitstop.yml"), "console:\n  url: https://ops.example.com/console\n");
        assertThatThrownBy(() -> ClusterConfig.load(home, null, Map.of()))
                .hasMessageContaining("config key 'console.url' must be the console's address as a browser reaches it, "
                        + "http(s)://HOST[:PORT]/.pitstop/");
    }

    @Test
    void readsThePolicyAndChecksFromTheHome() throws Exception {
        Files.writeString(dir.resolve("pitstop.yml"), """
                policy:
                  plugins: allowed
                  upgrade: prohibited
                checks:
                  - path: /api/items
                    body-contains: "["
                  - method: HEAD
                    path: /health/ready
                    status: 204
                  - path: /api/auth:signIn
                    headers: {X-Authenticator: basic}
                    body: {account: root, password: "${secret.root-password}"}
                    json-field: /data/token
                """);

        ClusterConfig config = ClusterConfig.load(new Home(dir), null, Map.of());

        assertThat(config.policy().pluginsFor(3)).isEqualTo("allowed");
        assertThat(config.policy().upgradeOrDefault()).isEqualTo("prohibited");
        assertThat(config.checks()).containsExactly(
                new ClusterConfig.Check("GET", "/api/items", 200, "[", null, null, null),
                new ClusterConfig.Check("HEAD", "/health/ready", 204, null, null, null, null),
                new ClusterConfig.Check("POST", "/api/auth:signIn", 200, null, Map.of("X-Authenticator", "basic"),
                        new ObjectMapper().createObjectNode().put("account", "root")
                                .put("password", "${secret.root-password}"), "/data/token"));
        assertThat(config.checks().get(2).toString()).doesNotContain("secret");
    }

    @Test
    void theEnvironmentOverridesTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("other.yml"), "policy:\n  plugins: allowed\n");

        ClusterConfig config = ClusterConfig.load(new Home(dir), file, Map.of("PITSTOP_POLICY_PLUGINS", "prohibited"));

        assertThat(config.policy().pluginsFor(3)).isEqualTo("prohibited");
    }

    @Test
    void refusesAnUnknownPolicy() throws Exception {
        Files.writeString(dir.resolve("pitstop.yml"), "policy:\n  plugins: sometimes\n");

        assertThatThrownBy(() -> ClusterConfig.load(new Home(dir), null, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config key 'policy.plugins' must be one of allowed, prohibited, window-only, got 'sometimes'");
    }

    @Test
    void refusesACheckWithAnUnknownKeyOrNoPath() throws Exception {
        Files.writeString(dir.resolve("pitstop.yml"), "checks:\n  - path: /x\n    expect: 200\n");
        assertThatThrownBy(() -> ClusterConfig.load(new Home(dir), null, Map.of()))
                .hasMessage("unknown key 'expect' in an entry of config key 'checks'; known keys: method, path, status, "
                        + "body-contains, headers, body, json-field");

        Files.writeString(dir.resolve("pitstop.yml"), "checks:\n  - status: 200\n");
        assertThatThrownBy(() -> ClusterConfig.load(new Home(dir), null, Map.of()))
                .hasMessage("each entry of config key 'checks' needs a 'path' starting with /");
    }

    @Test
    void choosesTheDriversWithTheirSettings() throws Exception {
        Files.writeString(dir.resolve("pitstop.yml"), """
                traffic: haproxy
                haproxy:
                  socket: /run/haproxy/admin.sock
                  map-file: /etc/haproxy/pitstop.map
                """);

        ClusterConfig config = ClusterConfig.load(new Home(dir), null, Map.of());

        assertThat(config.nodes()).isEqualTo("local");
        assertThat(config.traffic()).isEqualTo("haproxy");
        assertThat(config.haproxy()).isEqualTo(new HaproxySettings("/run/haproxy/admin.sock",
                "/etc/haproxy/pitstop.map", "pitstop_nodes", "node"));
        assertThat(ClusterConfig.load(new Home(dir), null, Map.of()).nginx()).isNull();
    }

    @Test
    void defaultsNginxsCommandsAndSplitsThemIntoArguments() throws Exception {
        Files.writeString(dir.resolve("pitstop.yml"), """
                traffic: nginx
                nginx:
                  include-file: /etc/nginx/conf.d/pitstop.conf
                  listen: 127.0.0.1:8080
                  reload-command: /usr/sbin/nginx  -s reload
                """);

        NginxSettings nginx = ClusterConfig.load(new Home(dir), null, Map.of()).nginx();

        assertThat(nginx.testCommandLine()).containsExactly("nginx", "-t");
        assertThat(nginx.reloadCommandLine()).containsExactly("/usr/sbin/nginx", "-s", "reload");
    }

    @Test
    void refusesADriverWithoutItsSettingsAndSettingsWithoutTheirDriver() throws Exception {
        Files.writeString(dir.resolve("pitstop.yml"), "traffic: nginx\n");
        assertThatThrownBy(() -> ClusterConfig.load(new Home(dir), null, Map.of()))
                .hasMessage("config traffic: nginx needs the section 'nginx' with its settings (see the README, "
                        + "pitstop.yml)");

        Files.writeString(dir.resolve("pitstop.yml"), """
                kubernetes:
                  deployment: app
                  image: registry/app
                  database:
                    url: jdbc:postgresql://postgres:5432/app
                """);
        assertThatThrownBy(() -> ClusterConfig.load(new Home(dir), null, Map.of()))
                .hasMessage("config section 'kubernetes' is set but kubernetes is not chosen; choose it "
                        + "(nodes: kubernetes) or remove the section");
    }

    @Test
    void refusesAnUnknownDriverOrDriverKey() throws Exception {
        Files.writeString(dir.resolve("pitstop.yml"), "traffic: envoy\n");
        assertThatThrownBy(() -> ClusterConfig.load(new Home(dir), null, Map.of()))
                .hasMessage("config key 'traffic' must be one of gateway, haproxy, kubernetes, nginx, got 'envoy'");

        Files.writeString(dir.resolve("pitstop.yml"), "traffic: haproxy\nhaproxy:\n  sock: /x\n");
        assertThatThrownBy(() -> ClusterConfig.load(new Home(dir), null, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("unknown config key 'haproxy.sock'");

        Files.writeString(dir.resolve("pitstop.yml"), """
                nodes: kubernetes
                kubernetes:
                  deployment: app
                  image: registry.example.com/app:1.0.0
                """);
        assertThatThrownBy(() -> ClusterConfig.load(new Home(dir), null, Map.of()))
                .hasMessageStartingWith("config key 'kubernetes.image' must be an image repository without a tag");
    

        Files.writeString(dir.resolve("pitstop.yml"), """
                nodes: kubernetes
                kubernetes:
                  deployment: app
                  image: registry.example.com/app
                """);
        assertThatThrownBy(() -> ClusterConfig.load(new Home(dir), null, Map.of()))
                .hasMessageStartingWith("config key 'kubernetes.database' is required");

        Files.writeString(dir.resolve("pitstop.yml"), "traffic: kubernetes\n");
        assertThatThrownBy(() -> ClusterConfig.load(new Home(dir), null, Map.of()))
                .hasMessageStartingWith("config traffic: kubernetes steers a Service")
                .hasMessageEndingWith("so it needs nodes: kubernetes");
    }

    @Test
    void kubernetesDefaultsNameTheServiceAndTheStatusPageAfterTheDeployment() throws Exception {
        Files.writeString(dir.resolve("pitstop.yml"), """
                nodes: kubernetes
                traffic: kubernetes
                kubernetes:
                  deployment: shop
                  image: registry.example.com/shop
                  database:
                    url: jdbc:postgresql://postgres:5432/shop
                    password-file: /etc/pitstop/secret/db-password
                """);

        KubernetesSettings settings = ClusterConfig.load(new Home(dir), null, Map.of()).kubernetes();

        assertThat(settings.service()).isEqualTo("shop");
        assertThat(settings.statusPage()).isEqualTo("shop-status-page");
        assertThat(settings.url()).isEqualTo("http://shop:8080");
        assertThat(settings.releases()).isEqualTo("/releases");
        assertThat(settings.database().passwordFile()).isEqualTo("/etc/pitstop/secret/db-password");
    }

    @Test
    void readyTimeoutDefaultsTo180SecondsAndMustBePositive() throws Exception {
        assertThat(ClusterConfig.load(new Home(dir), null, Map.of()).readyTimeout()).isEqualTo(Duration.ofSeconds(180));

        Files.writeString(dir.resolve("pitstop.yml"), "ready-timeout-seconds: 900\n");
        assertThat(ClusterConfig.load(new Home(dir), null, Map.of()).readyTimeout()).isEqualTo(Duration.ofMinutes(15));

        Files.writeString(dir.resolve("pitstop.yml"), "ready-timeout-seconds: 0\n");
        assertThatThrownBy(() -> ClusterConfig.load(new Home(dir), null, Map.of()))
                .hasMessageContaining("config key 'ready-timeout-seconds' must be at least 1, got 0");
    }

    @Test
    void logsRotateAt10MiBKeepingFiveFilesUnlessToldAndRefuseImpossibleLimits() throws Exception {
        ClusterConfig.LogsSettings defaults = ClusterConfig.load(new Home(dir), null, Map.of()).logs();
        assertThat(defaults.maxFileBytes()).isEqualTo(10L << 20);
        assertThat(defaults.files()).isEqualTo(5);

        Files.writeString(dir.resolve("pitstop.yml"), "logs:\n  max-file-bytes: 1048576\n  files: 3\n");
        assertThat(ClusterConfig.load(new Home(dir), null, Map.of()).logs())
                .isEqualTo(new ClusterConfig.LogsSettings(1048576L, 3));

        Files.writeString(dir.resolve("pitstop.yml"), "logs:\n  files: 1\n");
        assertThatThrownBy(() -> ClusterConfig.load(new Home(dir), null, Map.of()))
                .hasMessageContaining("config key 'logs.files' must be 2 to 21 (the current file and up to 20 rotated"
                        + " ones), got 1");
        Files.writeString(dir.resolve("pitstop.yml"), "logs:\n  max-file-bytes: 10\n");
        assertThatThrownBy(() -> ClusterConfig.load(new Home(dir), null, Map.of()))
                .hasMessageContaining("config key 'logs.max-file-bytes' must be at least 1024, got 10");
    }
}
