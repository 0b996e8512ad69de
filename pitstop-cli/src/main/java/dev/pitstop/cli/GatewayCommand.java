package dev.pitstop.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.pitstop.console.Console;
import dev.pitstop.console.ConsoleCluster;
import dev.pitstop.control.ControlSchema;
import dev.pitstop.db.Database;
import dev.pitstop.gateway.Gateway;
import dev.pitstop.gateway.GatewayConfig;
import dev.pitstop.metrics.Metrics;
import dev.pitstop.procedure.OperationException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = {"Runs Pitstop's built-in gateway alone, in front of a running cluster's nodes, until "
                + "stopped (Ctrl-C, SIGTERM): it follows the cluster's database like the gateway of 'up' — "
                + "the nodes registered there, health checks, the maintenance mode and its status page, the "
                + "bypass header.",
                "",
                "It serves the web console at /.pitstop/ as the gateway of 'up' does (log in with a token of the "
                        + "cluster's): procedures started there run in this process with the drivers of pitstop.yml "
                        + "and are journaled in the cluster's database, so the CLI follows, resumes or rolls them back. "
                        + "Backups, storage and uploads are HOME's backups/, storage/ and uploads/; an upgrade picks from "
                        + "kubernetes.releases (locally: the directory of the running release); the verification of "
                        + "nodes needs HOME/bypass.token, and the cluster key cluster-key-file.",
                "",
                "On Kubernetes (nodes: kubernetes) it is what the status page's pods run for traffic: kubernetes "
                        + "and the console (see deploy/kubernetes/status-page.yaml: its ServiceAccount drives the "
                        + "Deployment, its Service pitstop-console serves the console), or a gateway of your own in "
                        + "front of the Deployment. Tell 'status' the console's address with console.url in pitstop.yml."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped", "1:the cluster's database cannot be reached, or the port cannot be opened",
                "2:a bad option or pitstop.yml"})
final class GatewayCommand implements Callable<Integer> {

    @ParentCommand
    private Pitstop pitstop;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "The address to listen on; 0.0.0.0 for every interface (in a pod). Default: ${DEFAULT-VALUE}")
    private String host;

    @Option(names = "--port", paramLabel = "P", defaultValue = "8080",
            description = "The port to listen on. Default: ${DEFAULT-VALUE}")
    private int port;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 1 || port > 65535) {
            throw OperationException.invalid("--port must be between 1 and 65535, got " + port);
        }
        RunningCluster cluster = RunningCluster.open(pitstop);
        GatewayConfig config = pitstop.config().gateway().apply(GatewayConfig.defaults(), pitstop.home().dir())
                .withHost(host).withPort(port).withTls(pitstop.config().tlsSettings());
        HikariDataSource pool = Database.pool(cluster.db(), "pitstop-gateway", 2);
        Gateway gateway;
        try {
            // As a node does: a status-page pod may start before the cluster's first 'up' created the schema.
            ControlSchema.migrate(pool);
            gateway = Gateway.start(config, pool, cluster.db(), Metrics.registry(), console(cluster, pool));
        } catch (RuntimeException e) {
            pool.close();
            throw OperationException.failed(e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            pool.close();
            stopped.countDown();
        }, "stop-gateway"));
        String url = (config.tls() == null ? "http" : "https") + "://" + host + ":" + gateway.port();
        System.out.printf("Gateway on %s for the cluster in %s, console at %s%s/; stop it with Ctrl-C%n", url,
                cluster.db(), url, Gateway.CONSOLE_PATH);
        stopped.await();
        return 0;
    }

    /**
     * The console runs its procedures in this process, built as the CLI's are, with the drivers of
     * pitstop.yml; the drivers and the bypass token are made when a procedure is, so that the gateway
     * runs before the cluster's first 'up' made the tokens.
     */
    private Console console(RunningCluster cluster, HikariDataSource pool) {
        return new Console(new ConsoleCluster(cluster.db(), pool, pitstop.home(), pitstop.config(),
                new Drivers(pitstop.config(), cluster), cluster.admin(), pitstop.tlsTrust(), cluster.releasesDir()));
    }
}
