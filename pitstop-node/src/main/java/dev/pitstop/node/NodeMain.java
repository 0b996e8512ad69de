package dev.pitstop.node;

import dev.pitstop.config.ConfigException;
import dev.pitstop.config.ConfigLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts one node of the cluster: {@code java -cp 'RELEASE/lib/*' dev.pitstop.node.NodeMain --config node.yml}. */
@Command(name = "pitstop-node", mixinStandardHelpOptions = true,
        description = {"Runs one node of a Pitstop cluster until it receives SIGTERM.",
                "Configuration comes from --config, then PITSTOP_* environment variables "
                        + "(PITSTOP_DB_URL for db.url), then --set flags, each overriding the one before."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped gracefully", "1:failed", "2:bad configuration or usage"})
public final class NodeMain implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file.")
    private Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Sets one configuration key, e.g. --set http.port=8081. Repeatable.")
    private Map<String, String> settings = new LinkedHashMap<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new NodeMain()).execute(args));
    }

    @Override
    public Integer call() {
        NodeConfig nodeConfig;
        try {
            nodeConfig = ConfigLoader.load(NodeConfig.class, config, System.getenv(), settings);
        } catch (ConfigException e) {
            System.err.println("pitstop-node: " + e.getMessage());
            return 2;
        }
        Node node = new Node(nodeConfig);
        Runtime.getRuntime().addShutdownHook(new Thread(node::stop, "shutdown"));
        if (nodeConfig.exitWithParent()) {
            ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> System.exit(0)));
        }
        try {
            node.start();
        } catch (RuntimeException e) {
            System.err.println("pitstop-node: " + e.getMessage());
            return 1;
        }
        node.awaitStop();
        return 0;
    }
}
