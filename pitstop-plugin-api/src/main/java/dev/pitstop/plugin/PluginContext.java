package dev.pitstop.plugin;

import javax.sql.DataSource;

/** What a loaded plugin may use from the node that hosts it. */
public interface PluginContext {

    /** Connections to the application schema, shared with the node's other plugins. */
    DataSource dataSource();

    Routes routes();
}
