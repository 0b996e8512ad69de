package dev.pitstop.demo.slow;

import dev.pitstop.plugin.AppPlugin;
import dev.pitstop.plugin.PluginContext;
import dev.pitstop.plugin.Response;
import java.util.Map;

/** Test fixture whose install migration is slow; its route shows whether the install completed. */
public class SlowPlugin extends AppPlugin {

    @Override
    public void register(PluginContext context) {
        context.routes().get("/api/slow", request -> Response.ok(Map.of("plugin", "slow")));
    }
}
