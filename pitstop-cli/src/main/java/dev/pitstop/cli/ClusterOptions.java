package dev.pitstop.cli;

import dev.pitstop.db.DbSettings;
import dev.pitstop.home.ClusterConfig;
import dev.pitstop.home.Home;
import dev.pitstop.http.DevCertificate;
import dev.pitstop.http.TlsSettings;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.release.Release;
import dev.pitstop.supervisor.EmbeddedDatabase;
import dev.pitstop.supervisor.SupervisorSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** What a cluster is started with: shared by {@code up} and the background supervisor it spawns. */
final class ClusterOptions {

    /** Set by bin/pitstop to the checkout it runs from, where the demo releases are built. */
    static final String REPO_PROPERTY = "pitstop.repo";

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "3",
            description = "How many nodes to run. Default: ${DEFAULT-VALUE}")
    int nodes;

    @Option(names = "--release", paramLabel = "DIR",
            description = {"The release the nodes run: a directory with release.json and lib/.",
                    "Default: the demo application 1.0.0, demo/target/releases/1.0.0 of this checkout"})
    Path release;

    @Option(names = "--port", paramLabel = "P", defaultValue = "8080",
            description = "The gateway's port (on --host), where clients connect. Default: ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = {"The address the gateway listens on: an address of this machine's, or 0.0.0.0 (every "
                    + "IPv4 interface) to take clients from other machines. The nodes, the database and the control "
                    + "API stay on 127.0.0.1 whatever this says. Beyond loopback, prefer --tls or a tls section in "
                    + "pitstop.yml: tokens and the bypass header travel in every request.",
                    "Default: ${DEFAULT-VALUE}, this machine only"})
    String host;

    @Option(names = "--db-url", paramLabel = "URL",
            description = {"The PostgreSQL database to use, as jdbc:postgresql://HOST:PORT/DATABASE.",
                    "Default: an embedded PostgreSQL with its data in HOME/db, kept between runs"})
    String dbUrl;

    @Option(names = "--db-user", paramLabel = "USER", description = "The user for --db-url.")
    String dbUser;

    @Option(names = "--db-password-file", paramLabel = "FILE",
            description = "A file holding the password for --db-url (passwords never go on a command line).")
    Path dbPasswordFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = {"Node configuration given to every node, e.g. --set heartbeat-seconds=2. Repeatable.",
                    "The node rejects a key it does not know, and up fails with a message naming it."})
    Map<String, String> nodeSettings = new LinkedHashMap<>();

    @Option(names = "--ready-timeout", paramLabel = "SECONDS",
            description = "How long each node may take to become ready; the first one installs the plugins. "
                    + "Default: ready-timeout-seconds of pitstop.yml (180 unless set there), which procedures use too")
    Integer readyTimeoutSeconds;

    @Option(names = "--unsafe-no-fsync",
            description = {"Run the embedded database with fsync, synchronous_commit and full_page_writes off.",
                    "Faster, but an OS crash or power loss can lose committed data or corrupt the database:",
                    "for tests and benchmarks only. Default: all three on. Not allowed with --db-url."})
    boolean unsafeNoFsync;
    @Option(names = "--tls", paramLabel = "self-signed",
            description = {"Serve the gateway over HTTPS with a development certificate: made once in HOME/tls "
                    + "(ca.pem, cert.pem, key.pem 0600), for localhost and 127.0.0.1, signed by a CA of the home's "
                    + "own that the CLI trusts; curl needs --cacert HOME/tls/ca.pem. Plain HTTP on the port is "
                    + "refused unless tls.http is redirect in pitstop.yml.",
                    "Default: the tls section of pitstop.yml (your own PEM certificate and key), else plain HTTP"})
    String tls;

    /** The options checked and resolved; a bad one is an {@link OperationException} of kind INVALID. */
    SupervisorSettings settings(Home home, ClusterConfig config) {
        if (nodes < 1) {
            throw OperationException.invalid("--nodes must be at least 1, got " + nodes);
        }
        if (port < 1 || port > 65535) {
            throw OperationException.invalid("--port must be between 1 and 65535, got " + port);
        }
        if (dbUrl == null && (dbUser != null || dbPasswordFile != null)) {
            throw OperationException.invalid("--db-user and --db-password-file go with --db-url");
        }
        if (dbUrl != null && unsafeNoFsync) {
            throw OperationException.invalid("--unsafe-no-fsync applies to the embedded database; the database of "
                    + "--db-url keeps its own settings");
        }
        // --set wins over pitstop.yml, as it does for every key it names.
        Map<String, String> forNodes = new LinkedHashMap<>(config.limits().nodeSettings());
        forNodes.putAll(nodeSettings);
        return new SupervisorSettings(home, release(), nodes, host, port, externalDb(), absolute(dbPasswordFile),
                forNodes, readyTimeout(config), config,
                unsafeNoFsync ? EmbeddedDatabase.Durability.UNSAFE_NO_FSYNC : EmbeddedDatabase.Durability.DURABLE,
                tls(home, config));
    }

    /** --tls self-signed, else pitstop.yml's tls (paths relative to the home), else none. */
    private TlsSettings tls(Home home, ClusterConfig config) {
        TlsSettings configured = config.tlsSettings();
        if (tls == null) {
            return configured == null ? null : new TlsSettings(home.dir().resolve(configured.certificate()),
                    home.dir().resolve(configured.key()), configured.plainHttp());
        }
        if (!tls.equals("self-signed")) {
            throw OperationException.invalid("--tls takes self-signed, got '" + tls + "'; for a certificate of your"
                    + " own, set tls.certificate and tls.key in pitstop.yml");
        }
        TlsSettings.PlainHttp plainHttp = configured == null
                ? TlsSettings.PlainHttp.of(config.tls().http()) : configured.plainHttp();
        return DevCertificate.ensure(home.tlsDir()).settings(plainHttp);
    }

    /** --ready-timeout, else pitstop.yml's. */
    Duration readyTimeout(ClusterConfig config) {
        if (readyTimeoutSeconds == null) {
            return config.readyTimeout();
        }
        if (readyTimeoutSeconds < 1) {
            throw OperationException.invalid("--ready-timeout must be at least 1 second, got " + readyTimeoutSeconds);
        }
        return Duration.ofSeconds(readyTimeoutSeconds);
    }

    /** These options as arguments, with paths made absolute, for a process with another working directory. */
    List<String> toArgs(SupervisorSettings settings) {
        List<String> args = new ArrayList<>(List.of("--nodes", String.valueOf(settings.nodes()),
                "--release", settings.release().dir().toString(), "--host", settings.host(),
                "--port", String.valueOf(settings.port()),
                "--ready-timeout", String.valueOf(settings.readyTimeout().toSeconds())));
        if (settings.externalDb() != null) {
            args.addAll(List.of("--db-url", settings.externalDb().url()));
            if (settings.externalDb().user() != null) {
                args.addAll(List.of("--db-user", settings.externalDb().user()));
            }
        }
        if (settings.dbPasswordFile() != null) {
            args.addAll(List.of("--db-password-file", settings.dbPasswordFile().toString()));
        }
        if (settings.durability() == EmbeddedDatabase.Durability.UNSAFE_NO_FSYNC) {
            args.add("--unsafe-no-fsync");
        }
        settings.nodeSettings().forEach((key, value) -> args.addAll(List.of("--set", key + "=" + value)));
        if (tls != null) {
            args.addAll(List.of("--tls", tls));
        }
        return args;
    }

    private Release release() {
        Path dir = release;
        if (dir == null) {
            String repo = System.getProperty(REPO_PROPERTY);
            if (repo == null) {
                throw OperationException.invalid("no release given; name its directory with --release DIR");
            }
            dir = Path.of(repo, "demo", "target", "releases", "1.0.0");
        }
        try {
            return Release.open(dir);
        } catch (IllegalArgumentException e) {
            throw OperationException.invalid(e.getMessage());
        }
    }

    private DbSettings externalDb() {
        if (dbUrl == null) {
            return null;
        }
        String password = null;
        if (dbPasswordFile != null) {
            try {
                password = Files.readString(dbPasswordFile).strip();
            } catch (IOException e) {
                throw OperationException.invalid("cannot read --db-password-file " + dbPasswordFile + ": " + e);
            }
        }
        try {
            return new DbSettings(dbUrl, dbUser, password);
        } catch (IllegalArgumentException e) {
            throw OperationException.invalid(e.getMessage());
        }
    }

    private static Path absolute(Path path) {
        return path == null ? null : path.toAbsolutePath().normalize();
    }
}
