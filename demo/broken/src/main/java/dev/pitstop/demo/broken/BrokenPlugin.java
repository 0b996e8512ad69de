package dev.pitstop.demo.broken;

import dev.pitstop.plugin.AppPlugin;
import dev.pitstop.plugin.PluginContext;
import dev.pitstop.plugin.Response;
import java.util.Map;

/**
 * A plugin that never loads: its second migration fails. Its route exists so that a check can
 * tell, by getting 404, that a failed installation did not leave the plugin half-enabled.
 */
public class BrokenPlugin extends AppPlugin {

    @Override
    public void register(PluginContext context) {
        context.routes().get("/api/broken", request -> Response.ok(Map.of("plugin", "broken")));
    }
}
