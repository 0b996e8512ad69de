package dev.pitstop.cli;

import dev.pitstop.config.ConfigException;
import dev.pitstop.home.ClusterConfig;
import dev.pitstop.home.Home;
import dev.pitstop.procedure.Operator;
import dev.pitstop.control.TokenException;
import dev.pitstop.procedure.OperationException;
import java.io.PrintWriter;
import dev.pitstop.http.DevCertificate;
import dev.pitstop.http.Pem;
import dev.pitstop.http.TlsException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** The {@code pitstop} command: runs and maintains a Pitstop cluster. */
@Command(name = "pitstop", mixinStandardHelpOptions = true, versionProvider = Pitstop.Version.class,
        description = {"Runs an application as a cluster of identical nodes behind a gateway, sharing one "
                + "PostgreSQL database, and makes its maintenance one command each."},
        subcommands = {UpCommand.class, DownCommand.class, StatusCommand.class, MaintenanceCommand.class,
                PluginCommand.class, TokenCommand.class, UpgradeCommand.class, BackupCommand.class,
                MigrationCommand.class, HistoryCommand.class, GatewayCommand.class, SuperviseCommand.class,
                ReleaseCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:done",
                "1:failed; the message says the state the cluster was left in",
                "2:usage error: a bad option, argument or configuration; nothing was changed",
                "3:refused: a preflight check or a policy; nothing was changed"})
public final class Pitstop {

    @Option(names = "--home", paramLabel = "DIR", scope = CommandLine.ScopeType.INHERIT,
            description = {"The cluster's home directory: cluster.json, tokens, embedded database, logs, storage.",
                    "Default: $PITSTOP_HOME, else ./.pitstop"})
    private Path home;

    @Option(names = "--config", paramLabel = "FILE", scope = CommandLine.ScopeType.INHERIT,
            description = {"The operator's configuration (YAML; unknown keys are errors): policy.plugins (allowed | "
                    + "window-only | prohibited), policy.upgrade (allowed | prohibited); checks, the HTTP requests "
                    + "that verify a node before traffic returns to it: [{method, path, status, body-contains, headers, body "
                    + "(JSON, sent as application/json; its strings may say ${secret.NAME}, a secret of HOME/secrets), "
                    + "json-field (a JSON pointer the answer must hold)}], besides those a release declares; "
                    + "ready-timeout-seconds (180); app-schemas, the application's schemas in a shared database "
                    + "(default: every schema but pitstop and the system ones); backup.scratch-database-url, where "
                    + "backups are replayed to prove they restore when the database user may not create databases; "
                    + "backup.password-file (a file whose first line encrypts every procedure's and scheduled "
                    + "backup); cluster-key-file (the key that seals app.environment's secrets; default "
                    + "HOME/cluster.key); gateway.trust-forwarded-for (false: the gateway replaces a "
                    + "client's X-Forwarded-For; true only behind a proxy of yours); gateway.access-log (a file, relative to "
                    + "HOME, for a line per request in the combined format with node= and ms=, renamed with the date "
                    + "at midnight UTC; none by default) and gateway.access-log-retain-days (14); "
                    + "gateway.drain-timeout-seconds (30: a draining node's WebSocket connections still open after it "
                    + "are closed by the gateway with 1001); gateway.h2c (false; true: HTTP/2 without TLS as well, "
                    + "for a proxy in front that speaks it; not with tls); limits.request-body-bytes (1 MiB) "
                    + "and limits.plugin-jar-bytes (64 MiB), above which the nodes answer 413; limits.backup-block-bytes "
                    + "(256 MiB, at least 4 MiB), limits.backup-kdf-memory-kib (262144), limits.backup-kdf-iterations "
                    + "(10) and limits.backup-kdf-parallelism (16), beyond which a backup or migration file is refused "
                    + "before it is allocated or its key derived; logs.max-file-bytes (10 MiB) and logs.files (5, the "
                    + "current one included), how the local nodes' logs and the detached supervisor's rotate; "
                    + "and the drivers: nodes (local | kubernetes) and traffic "
                    + "(gateway | nginx | haproxy | kubernetes), each with a section of its settings (README, Drivers).",
                    "Default: HOME/pitstop.yml if it exists, else the defaults"})
    private Path config;

    @Option(names = "--cacert", paramLabel = "FILE", scope = CommandLine.ScopeType.INHERIT,
            description = {"The PEM certificate(s) of the CA that signed the cluster's HTTPS certificate: the CLI "
                    + "trusts these and no other when it calls the admin API over HTTPS.",
                    "Default: HOME/tls/ca.pem if it exists (made by up --tls self-signed), else the Java runtime's CAs"})
    private Path cacert;

    /** The TLS trust of the CLI's calls to the cluster: --cacert, else the home's own CA, else the runtime's. */
    SSLContext tlsTrust() {
        if (cacert != null) {
            return Pem.trusting(cacert);
        }
        Path homeCa = DevCertificate.in(home().tlsDir()).ca();
        return Files.exists(homeCa) ? Pem.trusting(homeCa) : null;
    }

    Home home() {
        return Home.resolve(home, System.getenv());
    }

    /** The configuration; a bad one is an {@link OperationException} of kind INVALID naming the key. */
    /** The configuration; its limits on reading backup files become this process's. */
    ClusterConfig config() {
        try {
            ClusterConfig loaded = ClusterConfig.load(home(), config, System.getenv());
            loaded.limits().readLimits().apply();
            return loaded;
        } catch (ConfigException e) {
            throw OperationException.invalid(e.getMessage());
        }
    }

    /** The {@code --config} file as given, absolute, or null: for processes this one starts. */
    Path configOption() {
        return config == null ? null : config.toAbsolutePath().normalize();
    }

    /** Who runs this command, for the journal and the audit log: the user, and the command line. */
    Operator operator(CommandLine.Model.CommandSpec spec) {
        return Operator.current("pitstop " + String.join(" ", spec.root().commandLine().getParseResult().originalArgs()));
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with Pitstop's error handling: one line on stderr, and the exit code of its kind. */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Pitstop());
        commandLine.setExecutionExceptionHandler(Pitstop::executionFailed);
        commandLine.setParameterExceptionHandler(Pitstop::badUsage);
        return commandLine;
    }

    private static int executionFailed(Exception e, CommandLine commandLine, ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        if (e instanceof OperationException operation) {
            err.println("pitstop: " + operation.getMessage());
            return operation.kind().exitCode();
        }
        if (e instanceof TlsException) {
            err.println("pitstop: " + e.getMessage());
            return OperationException.Kind.INVALID.exitCode();
        }
        if (e instanceof TokenException token && token.reason() == TokenException.Reason.UNSAFE_FILE) {
            err.println("pitstop: " + token.getMessage());
            return OperationException.Kind.REFUSED.exitCode();
        }
        err.println("pitstop: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        return OperationException.Kind.FAILED.exitCode();
    }

    private static int badUsage(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        command.getErr().println("pitstop: " + e.getMessage() + " (see: " + command.getCommandSpec().qualifiedName()
                + " --help)");
        return OperationException.Kind.INVALID.exitCode();
    }

    /** The version of this build, from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Pitstop.class.getPackage().getImplementationVersion();
            return new String[] {"pitstop " + (version == null ? "(development build)" : version)};
        }
    }
}
