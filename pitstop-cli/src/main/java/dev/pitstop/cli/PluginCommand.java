package dev.pitstop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pitstop.admin.AdminClient;
import dev.pitstop.procedure.OperationException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "plugin", mixinStandardHelpOptions = true,
        description = {"Plugin management on the running cluster, through the nodes' admin API. A change reaches "
                + "every running node within 2 s, without a restart; a node started later loads the current state.",
                "",
                "Every change (add, enable, disable, upgrade, remove) is subject to the cluster's policy.plugins "
                        + "(pitstop.yml): allowed; window-only (the default for more than one node): only inside "
                        + "a maintenance window ('pitstop maintenance begin', then 'end'); prohibited. "
                        + "A change that fails leaves the schema and the plugin state as they were. "
                        + "Every change, refused ones too, is in the audit log ('pitstop history')."},
        subcommands = PluginCommand.ListPlugins.class,
        exitCodeListHeading = "%nExit codes of the changes:%n",
        exitCodeList = {"0:done on the cluster",
                "1:failed (the message says nothing was changed), or the admin API cannot be reached",
                "2:usage error, or the jar file cannot be read",
                "3:refused, nothing changed: by the policy, a bad jar, a dependency or state conflict, "
                        + "or no such plugin"})
final class PluginCommand {

    private static final String ID_DESCRIPTION = "The plugin's id, as 'pitstop plugin list' shows it.";

    @ParentCommand
    private Pitstop pitstop;

    /** The admin API of the cluster in the home, with the home's admin token. */
    AdminClient admin() {
        RunningCluster cluster = RunningCluster.open(pitstop);
        return new AdminClient(cluster.admin(), cluster.adminToken(), pitstop.tlsTrust());
    }

    /** Checks the jar file first: a usage error is reported before anything else is tried. */
    static Path readable(Path jar) {
        if (!Files.isRegularFile(jar) || !Files.isReadable(jar)) {
            throw OperationException.invalid("plugin jar not found or not readable: " + jar.toAbsolutePath());
        }
        return jar;
    }

    private static int printChange(String done, JsonNode plugin) {
        System.out.printf("%s %s %s%n", done, plugin.path("id").asText(), plugin.path("version").asText());
        return 0;
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the cluster's plugins: id, version, enabled, loaded (on the node that answered), "
                    + "bundled with the release or added, the release range it requires, and its dependencies.")
    static final class ListPlugins implements Callable<Integer> {

        private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

        @ParentCommand
        private PluginCommand plugin;

        @Option(names = "--json", description = "Print the admin API's JSON: [{\"id\", \"version\", \"enabled\", "
                + "\"installed\", \"bundled\", \"requires\", \"dependencies\", \"loaded\"}], for scripts.")
        private boolean json;

        @Override
        public Integer call() throws Exception {
            JsonNode plugins = plugin.admin().plugins();
            PrintStream out = System.out;
            if (json) {
                out.println(JSON.writeValueAsString(plugins));
                return 0;
            }
            String format = "%-20s %-12s %-8s %-7s %-8s %-16s %s%n";
            out.printf(format, "ID", "VERSION", "ENABLED", "LOADED", "SOURCE", "REQUIRES", "DEPENDENCIES");
            for (JsonNode p : plugins) {
                List<String> dependencies = new ArrayList<>();
                p.path("dependencies").forEach(d -> dependencies.add(d.asText()));
                out.printf(format, p.path("id").asText(), p.path("version").asText(), yesNo(p.path("enabled")),
                        yesNo(p.path("loaded")), p.path("bundled").asBoolean() ? "bundled" : "added",
                        p.path("requires").asText("*"), dependencies.isEmpty() ? "-" : String.join(", ", dependencies));
            }
            return 0;
        }

        private static String yesNo(JsonNode flag) {
            return flag.asBoolean() ? "yes" : "no";
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Adds a plugin jar to the cluster, disabled: the nodes check it (descriptor, id, version, "
                    + "required release range, dependencies) and store it in the shared storage. "
                    + "A bad jar is refused with what is wrong, and nothing is stored.",
                    "Then: pitstop plugin enable ID"})
    int add(@Parameters(paramLabel = "FILE", description = "The plugin jar, e.g. demo/target/plugins/comments-1.0.0.jar")
            Path jar) {
        Path file = readable(jar);
        return printChange("Added", admin().add(file));
    }

    @Command(name = "enable", mixinStandardHelpOptions = true,
            description = "Enables a plugin: on first enable its install migrations run (all or nothing), then every "
                    + "node loads it. Refused while a plugin it depends on is not enabled.")
    int enable(@Parameters(paramLabel = "ID", description = ID_DESCRIPTION) String id) {
        return printChange("Enabled", admin().enable(id));
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = "Disables a plugin: every node unloads it; its data stays. Refused while enabled plugins "
                    + "depend on it (the message lists them).")
    int disable(@Parameters(paramLabel = "ID", description = ID_DESCRIPTION) String id) {
        return printChange("Disabled", admin().disable(id));
    }

    @Command(name = "upgrade", mixinStandardHelpOptions = true,
            description = "Upgrades a plugin to the newer version in the jar (the plugin it replaces is named by the "
                    + "jar's plugin.id): its new migrations run (all or nothing), then every node loads it.")
    int upgrade(@Parameters(paramLabel = "FILE", description = "The jar of the plugin's newer version.") Path jar) {
        Path file = readable(jar);
        return printChange("Upgraded", admin().upgrade(file));
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Removes a disabled plugin from the cluster. Its data stays unless --drop-data is given.")
    int remove(@Parameters(paramLabel = "ID", description = ID_DESCRIPTION) String id,
               @Option(names = "--drop-data", description = "Run the plugin's uninstall too, dropping its tables and "
                       + "data. Cannot be undone, except by restoring a backup.") boolean dropData) {
        JsonNode removed = admin().remove(id, dropData);
        System.out.printf("Removed %s%s%n", removed.path("id").asText(id), dropData ? " and its data" : "");
        return 0;
    }
}
