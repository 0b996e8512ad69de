package dev.pitstop.release;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a release of an application Pitstop does not host runs as a node: the {@code "node"} section
 * of its {@code release.json}, with {@code "kind": "process"}. Without that section a release runs
 * Pitstop's own node runtime from {@code lib/}. Every string may hold {@link NodePlaceholders
 * placeholders}, filled per node when it is launched; so a new kind of application (NocoBase, a Spring
 * Boot application with Flyway...) is a descriptor, not code.
 *
 * <pre>{@code
 * "node": {
 *   "kind": "process",
 *   "command": ["node_modules/.bin/nocobase-v1", "start"],
 *   "workingDirectory": "app",
 *   "environment": {"APP_PORT": "${port}", "DB_HOST": "${db.host}"},
 *   "health": {"ready": "/api/__health_check"},
 *   "commands": {"install": [...], "upgrade": [...], "pluginEnable": [..., "${plugin}"]},
 *   "plugins": {"query": "SELECT name AS id, version, enabled, installed, \"builtIn\" AS built_in FROM ..."}
 * }
 * }</pre>
 *
 * @param command          the program and its arguments that run one node in the foreground
 * @param workingDirectory where it runs, relative to the release directory
 * @param environment      variables added to the node's environment
 * @param health           the node's health endpoints
 * @param commands         one-off commands the procedures run, in the same directory and environment
 * @param plugins          where the application keeps its plugins' state, or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProcessNode(String kind, List<String> command, String workingDirectory,
                          Map<String, String> environment, Health health, Commands commands, Plugins plugins) {

    public static final String KIND = "process";

    /**
     * @param ready path answering 200 once the node serves requests
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Health(String ready) {
    }

    /**
     * The commands procedures run on one node's setup (same working directory and environment),
     * each null when the application has none. {@code ${plugin}} stands for the plugin's name.
     *
     * @param install       prepares an empty database; run before the first node's first start
     * @param upgrade       brings the database to this release; run once, before the first node of a new release starts
     * @param pluginList    prints the plugins and their state
     * @param pluginAdd     adds a plugin to the application
     * @param pluginEnable  enables a plugin
     * @param pluginDisable disables a plugin
     * @param pluginRemove  removes a plugin
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Commands(List<String> install, List<String> upgrade, List<String> pluginList,
                           List<String> pluginAdd, List<String> pluginEnable, List<String> pluginDisable,
                           List<String> pluginRemove) {

        /** The command for {@code change}, or null when the application has none. */
        public List<String> of(PluginCommand change) {
            return switch (change) {
                case LIST -> pluginList;
                case ADD -> pluginAdd;
                case ENABLE -> pluginEnable;
                case DISABLE -> pluginDisable;
                case REMOVE -> pluginRemove;
            };
        }
    }

    /** The plugin commands a descriptor may declare, by what {@code pitstop plugin} calls them. */
    public enum PluginCommand {
        LIST("list", "pluginList"),
        ADD("add", "pluginAdd"),
        ENABLE("enable", "pluginEnable"),
        DISABLE("disable", "pluginDisable"),
        REMOVE("remove", "pluginRemove");

        private final String label;
        private final String key;

        PluginCommand(String label, String key) {
            this.label = label;
            this.key = key;
        }

        /** As in {@code pitstop plugin enable}, and in the control API's paths. */
        public String label() {
            return label;
        }

        /** Its key under {@code node.commands} in {@code release.json}. */
        public String key() {
            return key;
        }

        /** The change a label names, for the control API; empty for an unknown one. */
        public static Optional<PluginCommand> labelled(String label) {
            return Arrays.stream(values()).filter(c -> c.label.equals(label)).findFirst();
        }
    }

    /**
     * Where the application keeps the state of its plugins, read by {@code pitstop plugin list}.
     * A query, not a command's printed output: a command prints text meant for people, in a format
     * that changes between versions, and starting the application's CLI to list takes seconds; a
     * table is typed and read in milliseconds, even while no node runs. A new kind of application
     * declares its own query: still a descriptor, not code.
     *
     * @param query a read-only SQL query on the cluster's database returning one row per plugin with the
     *              columns {@code id} (text: the name the plugin commands take), {@code version} (text,
     *              may be null), {@code enabled}, {@code installed} and {@code built_in} (booleans;
     *              built in: part of the application's core set, which cannot be disabled or removed)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Plugins(String query) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public ProcessNode {
        environment = environment == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(environment));
        commands = commands == null ? new Commands(null, null, null, null, null, null, null) : commands;
    }

    /**
     * The node section of a release descriptor, or empty when the release runs Pitstop's own runtime.
     *
     * @throws IllegalArgumentException naming the descriptor and the field when the section is invalid
     */
    static Optional<ProcessNode> of(Path descriptor, JsonNode release) {
        JsonNode node = release.get("node");
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        ProcessNode parsed;
        try {
            parsed = JSON.treeToValue(node, ProcessNode.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(descriptor + ": \"node\" is not a node description: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!KIND.equals(parsed.kind())) {
            throw new IllegalArgumentException(descriptor + ": \"node.kind\" is " + parsed.kind()
                    + "; the only kind a descriptor can declare is \"" + KIND
                    + "\" (leave \"node\" out for Pitstop's own runtime)");
        }
        if (parsed.command() == null || parsed.command().isEmpty()) {
            throw new IllegalArgumentException(descriptor + ": \"node.command\" is missing: say which program runs a node");
        }
        if (parsed.health() == null || parsed.health().ready() == null || !parsed.health().ready().startsWith("/")) {
            throw new IllegalArgumentException(descriptor + ": \"node.health.ready\" is missing or not a path "
                    + "(e.g. \"/api/health\"): Pitstop needs it to know when a node serves");
        }
        if (parsed.plugins() != null && (parsed.plugins().query() == null || parsed.plugins().query().isBlank())) {
            throw new IllegalArgumentException(descriptor + ": \"node.plugins.query\" is missing: give the SQL "
                    + "query that lists the plugins, or leave \"node.plugins\" out");
        }
        return Optional.of(parsed);
    }

    /** The process node of a release opened with {@link Release#open}, or empty for Pitstop's own runtime. */
    public static Optional<ProcessNode> of(Release release) {
        Path descriptor = release.dir().resolve(Release.DESCRIPTOR);
        try {
            return of(descriptor, JSON.readTree(descriptor.toFile()));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + descriptor + ": " + e.getMessage());
        }
    }

    /** The directory the node and its commands run in. */
    public Path workingDirectory(Release release) {
        return workingDirectory == null ? release.dir() : release.dir().resolve(workingDirectory).normalize();
    }
}
