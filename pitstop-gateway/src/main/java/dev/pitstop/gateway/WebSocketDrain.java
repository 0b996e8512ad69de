package dev.pitstop.gateway;

import dev.pitstop.control.NodeRecord;
import dev.pitstop.control.NodeState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket connections open through the gateway, by node. When a node drains (registered as
 * stopped, gone from the registry, or registered again elsewhere), its connections still open after
 * the drain timeout are closed with 1001 (going away) on both sides, so that their clients reconnect
 * to a node that stays. Pitstop's nodes close theirs as they start draining; this bounds the wait for
 * nodes that do not (other kinds of node, or one that hangs).
 */
final class WebSocketDrain extends AbstractLifeCycle {

    private static final Logger log = LoggerFactory.getLogger(WebSocketDrain.class);

    private final Duration timeout;
    private final Map<Backend, Set<WebSocketRelay>> open = new ConcurrentHashMap<>();
    private final Set<Backend> draining = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scheduler = Daemons.scheduler("gateway-websocket-drain");

    WebSocketDrain(Duration timeout) {
        this.timeout = timeout;
    }

    /** Counts {@code relay} as open on {@code backend} until its client's side closes. */
    void opened(Backend backend, WebSocketRelay relay) {
        open.computeIfAbsent(backend, b -> ConcurrentHashMap.newKeySet()).add(relay);
        relay.whenClosed(() -> open.computeIfPresent(backend, (b, relays) -> {
            relays.remove(relay);
            return relays.isEmpty() ? null : relays;
        }));
    }

    /** Takes the registry as it is now: a node with connections that drains gets its timeout started. */
    void update(List<NodeRecord> nodes) {
        for (Backend backend : open.keySet()) {
            if (drains(backend, nodes) && draining.add(backend)) {
                log.info("Node {} drains: its WebSocket connections still open in {} s will be closed with 1001",
                        backend, timeout.toSeconds());
                scheduler.schedule(() -> goAway(backend), timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private static boolean drains(Backend backend, List<NodeRecord> nodes) {
        return nodes.stream()
                .filter(node -> node.id().equals(backend.id()))
                .findFirst()
                .map(node -> node.state() == NodeState.STOPPED || !Objects.equals(node.url(), backend.url()))
                .orElse(true);
    }

    private void goAway(Backend backend) {
        // Connections opened on it since the timeout started are counted again and closed after the next one.
        draining.remove(backend);
        Set<WebSocketRelay> relays = open.remove(backend);
        if (relays == null || relays.isEmpty()) {
            return;
        }
        log.info("Closing {} WebSocket connection(s) of node {} with 1001: the drain timeout ({} s) has passed",
                relays.size(), backend, timeout.toSeconds());
        relays.forEach(relay -> relay.goAway("node " + backend.id() + " is going away"));
    }

    @Override
    protected void doStop() {
        scheduler.shutdownNow();
    }
}
