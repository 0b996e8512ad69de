package dev.pitstop.demo.echo;

import dev.pitstop.plugin.AppPlugin;
import dev.pitstop.plugin.PluginContext;

/**
 * A WebSocket route, {@code /api/echo/{room}}: each text message comes back as
 * {@code ROOM NODE: MESSAGE}, naming the node that holds the connection, so that a client (or a
 * test) can see a connection stay on its node through the gateway.
 */
public class EchoPlugin extends AppPlugin {

    @Override
    public void register(PluginContext context) {
        String node = context.nodeId();
        context.routes().ws("/api/echo/{room}",
                (session, message) -> session.send(session.pathParam("room") + " " + node + ": " + message));
    }
}
