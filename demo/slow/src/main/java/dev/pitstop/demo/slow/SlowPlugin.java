package dev.pitstop.demo.slow;

import dev.pitstop.plugin.AppPlugin;
import dev.pitstop.plugin.BadRequestException;
import dev.pitstop.plugin.PluginContext;
import dev.pitstop.plugin.Response;
import java.util.Map;

/**
 * Test fixture. Its install migration is slow, so a test can kill a node mid-install; its route
 * {@code GET /api/slow/{millis}} answers after a delay, so a test can stop a node mid-request.
 */
public class SlowPlugin extends AppPlugin {

    private static final long MAX_DELAY_MILLIS = 30_000;

    @Override
    public void register(PluginContext context) {
        context.routes().get("/api/slow/{millis}", request -> {
            long millis;
            try {
                millis = Long.parseLong(request.pathParam("millis"));
            } catch (NumberFormatException e) {
                throw new BadRequestException("the delay must be a number of milliseconds");
            }
            Thread.sleep(Math.min(Math.max(millis, 0), MAX_DELAY_MILLIS));
            return Response.ok(Map.of("plugin", "slow", "slept", millis));
        });
    }
}
