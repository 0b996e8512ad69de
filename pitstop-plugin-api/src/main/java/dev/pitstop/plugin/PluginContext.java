package dev.pitstop.plugin;

import javax.sql.DataSource;

/** What a loaded plugin may use from the node that hosts it. */
public interface PluginContext {

    /** Connections to the application schema, shared with the node's other plugins. */
    DataSource dataSource();

    Routes routes();

    /** The id of the node the plugin runs on (as in {@code /api/info}), e.g. for what it logs or answers. */
    String nodeId();
}
