package dev.pitstop.plugin;

import org.pf4j.Plugin;

/**
 * The entry class of an application plugin, named by {@code plugin.class} in the jar's
 * {@code plugin.properties}. The node calls {@link #register} each time the plugin is loaded,
 * after the plugin's migrations (SQL files under {@code migrations/<plugin id>/} in the jar)
 * have been applied; routes registered there disappear when the plugin is unloaded.
 */
public abstract class AppPlugin extends Plugin {

    public abstract void register(PluginContext context);
}
