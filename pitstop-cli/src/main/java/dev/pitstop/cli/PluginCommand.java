package dev.pitstop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pitstop.admin.AdminClient;
import dev.pitstop.control.ApplicationPlugins;
import dev.pitstop.driver.NodeDriver;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.procedure.ProcessPluginCommands;
import dev.pitstop.procedure.ProcessPlugins;
import dev.pitstop.release.ProcessNode;
import dev.pitstop.release.Release;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "plugin", mixinStandardHelpOptions = true,
        description = {"Plugin management on the running cluster, through the nodes' admin API (on a release "
                + "whose nodes are processes, such as NocoBase, through the supervisor: see below). A change reaches "
                + "every running node within 2 s, without a restart; a node started later loads the current state.",
                "",
                "Every change (add, enable, disable, upgrade, remove) is subject to the cluster's policy.plugins "
                        + "(pitstop.yml): allowed; window-only (the default for more than one node): only inside "
                        + "a maintenance window ('pitstop maintenance begin', then 'end'); prohibited. "
                        + "A change that fails leaves the schema and the plugin state as they were. "
                        + "Every change, refused ones too, is in the audit log ('pitstop history').",
                "",
                PluginCommand.PROCESS_NODES},
        subcommands = PluginCommand.ListPlugins.class,
        exitCodeListHeading = "%nExit codes of the changes:%n",
        exitCodeList = {"0:done on the cluster",
                "1:failed (the message says nothing was changed, or what was done before the failure), or the "
                        + "admin API or the supervisor cannot be reached",
                "2:usage error, or the jar file cannot be read",
                "3:refused, nothing changed: by the policy, a bad jar, a dependency or state conflict, "
                        + "no such plugin, another plugin change or procedure under way, or a release that "
                        + "declares no command for the change"})
final class PluginCommand {

    /** How the commands work on a release whose nodes are processes; shown in every subcommand's help. */
    static final String PROCESS_NODES = "On a release whose nodes are processes (NocoBase; release.json "
            + "\"node\": {\"kind\": \"process\"}), which keeps no plugin state its nodes follow: a change runs "
            + "the release's command (node.commands.pluginEnable... e.g. 'nocobase pm enable NAME') through the "
            + "supervisor on the node that serves, in that node's environment, showing what runs where; then the "
            + "other running nodes are restarted one at a time (drain, stop, start, wait until ready) so they load "
            + "it. Inside a maintenance window the other nodes are stopped and load it when 'pitstop maintenance "
            + "end' starts them. Same policy and audit as above. It takes a minute or more (NocoBase restarts its "
            + "application); a failing command exits 1 with its last lines and the node's log. NAME is the "
            + "application's plugin name ('pitstop plugin list'); 'plugin upgrade' does not apply: plugins come "
            + "with the release.";

    private static final String ID_DESCRIPTION = "The plugin's id, as 'pitstop plugin list' shows it (on a process "
            + "release: its name, e.g. map for NocoBase's @nocobase/plugin-map).";

    @ParentCommand
    private Pitstop pitstop;

    @Spec
    private CommandSpec spec;

    /**
     * The plugin management of the release the cluster runs when its nodes are processes, or empty
     * for Pitstop's own nodes, whose plugins change through their admin API.
     */
    Optional<ProcessPlugins> processPlugins() {
        RunningCluster cluster = RunningCluster.open(pitstop);
        Release release;
        try {
            release = Release.open(cluster.release());
        } catch (IllegalArgumentException e) {
            throw OperationException.failed("cannot read the release the cluster runs: " + e.getMessage());
        }
        return ProcessNode.of(release).map(descriptor -> {
            NodeDriver nodes = new Drivers(pitstop.config(), cluster).nodes();
            return new ProcessPlugins(release, descriptor, nodes, ProcessPluginCommands.of(nodes), cluster.db(),
                    cluster.controlDb(), pitstop.operator(spec), System.out, pitstop.config().readyTimeout());
        });
    }

    /** Makes the change on a process release; false when the cluster runs Pitstop's own nodes. */
    private boolean changedProcessPlugin(ProcessNode.PluginCommand change, String name) {
        Optional<ProcessPlugins> process = processPlugins();
        process.ifPresent(plugins -> System.out.println(plugins.change(change, name)));
        return process.isPresent();
    }

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
            description = {"Lists the cluster's plugins: id, version, enabled, loaded (on the node that answered), "
                    + "bundled with the release or added, the release range it requires, and its dependencies.",
                    "",
                    "On a release whose nodes are processes (NocoBase): name, version, enabled, installed, built in "
                            + "(part of the application's core set), read from the application's own table with the query its release.json "
                            + "declares (node.plugins.query; NocoBase's applicationPlugins), typed and without "
                            + "starting anything; a release that declares no query gets what its pluginList "
                            + "command prints."})
    static final class ListPlugins implements Callable<Integer> {

        private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

        @ParentCommand
        private PluginCommand plugin;

        @Option(names = "--json", description = "Print the admin API's JSON: [{\"id\", \"version\", \"enabled\", "
                + "\"installed\", \"bundled\", \"requires\", \"dependencies\", \"loaded\"}], for scripts; on a "
                + "process release: [{\"id\", \"version\", \"enabled\", \"installed\", \"builtIn\"}].")
        private boolean json;

        @Override
        public Integer call() throws Exception {
            Optional<ProcessPlugins> process = plugin.processPlugins();
            if (process.isPresent()) {
                return listProcess(process.get());
            }
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

        /**
         * A process release's plugins from its declared query, typed; without one, what its pluginList
         * command prints, as it prints it (no --json: the text is the application's).
         */
        private int listProcess(ProcessPlugins plugins) throws Exception {
            PrintStream out = System.out;
            if (!plugins.listsTyped() && !json) {
                plugins.listText().forEach(out::println);
                return 0;
            }
            List<ApplicationPlugins.Plugin> list = plugins.list();
            if (json) {
                out.println(JSON.writeValueAsString(list));
                return 0;
            }
            String format = "%-40s %-16s %-8s %-10s %s%n";
            out.printf(format, "NAME", "VERSION", "ENABLED", "INSTALLED", "BUILT-IN");
            for (ApplicationPlugins.Plugin p : list) {
                out.printf(format, p.id(), p.version() == null ? "-" : p.version(), p.enabled() ? "yes" : "no",
                        p.installed() ? "yes" : "no", p.builtIn() ? "yes" : "no");
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
                    "Then: pitstop plugin enable ID",
                    "",
                    "On a release whose nodes are processes (NocoBase): FILE is the plugin's name or package as the "
                            + "release's pluginAdd command takes it ('nocobase pm add NAME'), added on the node that "
                            + "serves; see 'pitstop plugin --help'."})
    int add(@Parameters(paramLabel = "FILE", description = "The plugin jar, e.g. demo/target/plugins/comments-1.0.0.jar;"
            + " on a process release, the plugin's name.") String jar) {
        // A jar is never an application's plugin name: its usage error comes before anything is asked.
        if (!jar.endsWith(".jar") && changedProcessPlugin(ProcessNode.PluginCommand.ADD, jar)) {
            return 0;
        }
        Path file = readable(Path.of(jar));
        if (processPlugins().isPresent()) {
            throw OperationException.refused("'pitstop plugin add' takes a plugin's name on this cluster, whose "
                    + "release runs its application's own nodes, not a jar: " + jar + "; nothing was changed");
        }
        return printChange("Added", admin().add(file));
    }

    @Command(name = "enable", mixinStandardHelpOptions = true,
            description = {"Enables a plugin: on first enable its install migrations run (all or nothing), then every "
                    + "node loads it. Refused while a plugin it depends on is not enabled.",
                    "",
                    "On a release whose nodes are processes (NocoBase): the release's pluginEnable command ('nocobase "
                            + "pm enable NAME') on the node that serves, then the other running nodes restarted one at "
                            + "a time; in a maintenance window, they load it at its end. See 'pitstop plugin --help'."})
    int enable(@Parameters(paramLabel = "ID", description = ID_DESCRIPTION) String id) {
        if (changedProcessPlugin(ProcessNode.PluginCommand.ENABLE, id)) {
            return 0;
        }
        return printChange("Enabled", admin().enable(id));
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = {"Disables a plugin: every node unloads it; its data stays. Refused while enabled plugins "
                    + "depend on it (the message lists them).",
                    "",
                    "On a release whose nodes are processes (NocoBase): the release's pluginDisable command "
                            + "('nocobase pm disable NAME') on the node that serves, then the other running nodes "
                            + "restarted one at a time; in a maintenance window, they unload it at its end."})
    int disable(@Parameters(paramLabel = "ID", description = ID_DESCRIPTION) String id) {
        if (changedProcessPlugin(ProcessNode.PluginCommand.DISABLE, id)) {
            return 0;
        }
        return printChange("Disabled", admin().disable(id));
    }

    @Command(name = "upgrade", mixinStandardHelpOptions = true,
            description = {"Upgrades a plugin to the newer version in the jar (the plugin it replaces is named by the "
                    + "jar's plugin.id): its new migrations run (all or nothing), then every node loads it.",
                    "",
                    "Refused on a release whose nodes are processes (NocoBase), whose plugins are part of the "
                            + "release: make a new release with the plugin's new version ('pitstop release nocobase "
                            + "--plugins DIR') and 'pitstop upgrade --to' it, which backs up first and rolls back "
                            + "on failure."})
    int upgrade(@Parameters(paramLabel = "FILE", description = "The jar of the plugin's newer version.") Path jar) {
        Path file = readable(jar);
        if (processPlugins().isPresent()) {
            throw OperationException.refused("'pitstop plugin upgrade' takes a plugin jar of Pitstop's own nodes; this "
                    + "cluster's release runs its application's own nodes, whose plugins come with the release: make "
                    + "a release with the plugin's new version (pitstop release nocobase --version V --plugins DIR "
                    + "--output NEW) and upgrade to it (pitstop upgrade --to NEW), which backs up first and rolls "
                    + "back on failure; nothing was changed");
        }
        return printChange("Upgraded", admin().upgrade(file));
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = {"Removes a disabled plugin from the cluster. Its data stays unless --drop-data is given.",
                    "",
                    "On a release whose nodes are processes (NocoBase): the release's pluginRemove command "
                            + "('nocobase pm remove NAME') on the node that serves, then the other running nodes "
                            + "restarted one at a time; what happens to the plugin's data is the application's "
                            + "(--drop-data does not apply)."})
    int remove(@Parameters(paramLabel = "ID", description = ID_DESCRIPTION) String id,
               @Option(names = "--drop-data", description = "Run the plugin's uninstall too, dropping its tables and "
                       + "data. Cannot be undone, except by restoring a backup.") boolean dropData) {
        if (dropData && processPlugins().isPresent()) {
            throw OperationException.invalid("--drop-data is for Pitstop's own plugins; on this cluster's release the "
                    + "pluginRemove command decides what happens to the plugin's data: run without --drop-data");
        }
        if (changedProcessPlugin(ProcessNode.PluginCommand.REMOVE, id)) {
            return 0;
        }
        JsonNode removed = admin().remove(id, dropData);
        System.out.printf("Removed %s%s%n", removed.path("id").asText(id), dropData ? " and its data" : "");
        return 0;
    }
}
