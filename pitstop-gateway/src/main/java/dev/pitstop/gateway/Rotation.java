package dev.pitstop.gateway;

import dev.pitstop.control.NodeRecord;
import dev.pitstop.control.NodeState;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes the gateway knows and which of them take traffic. Changes are rare and take a lock;
 * choosing a node happens on every request and reads an immutable snapshot without one.
 */
final class Rotation {

    private static final Logger log = LoggerFactory.getLogger(Rotation.class);
    private static final Backend[] NONE = {};

    private final Map<String, Backend> backends = new LinkedHashMap<>();
    private final AtomicInteger cursor = new AtomicInteger();
    private volatile Backend[] ready = NONE;

    /** The next ready node in turn, or null when no node is ready. */
    Backend next() {
        Backend[] snapshot = ready;
        if (snapshot.length == 0) {
            return null;
        }
        return snapshot[Math.floorMod(cursor.getAndIncrement(), snapshot.length)];
    }

    int readyCount() {
        return ready.length;
    }

    List<String> readyIds() {
        return Arrays.stream(ready).map(Backend::id).toList();
    }

    /** Every node that should be health-checked, ready or not. */
    synchronized List<Backend> backends() {
        return List.copyOf(backends.values());
    }

    /**
     * Takes the registry as the new truth: nodes registered as stopped or no longer registered
     * leave; new nodes join out of rotation until their first successful health check. A node a
     * procedure holds (see {@link NodeRecord#held()}) is still health-checked, so that it takes
     * traffic as soon as the hold is lifted, but gets none before.
     */
    synchronized void update(List<NodeRecord> nodes) {
        Map<String, Backend> next = new LinkedHashMap<>();
        for (NodeRecord node : nodes) {
            if (node.state() == NodeState.STOPPED) {
                continue;
            }
            Backend known = backends.get(node.id());
            Backend backend = known;
            if (known == null || !known.url().equals(node.url()) || !known.healthUrl().equals(Backend.healthUrl(node))) {
                try {
                    backend = new Backend(node.id(), node.url(), Backend.healthUrl(node));
                } catch (IllegalArgumentException e) {
                    log.warn("Ignoring node {}: {}", node.id(), e.getMessage());
                    continue;
                }
            }
            hold(backend, node.held());
            next.put(node.id(), backend);
        }
        for (Backend gone : backends.values()) {
            if (gone.ready && next.get(gone.id()) != gone) {
                gone.ready = false;
                if (!gone.held) {
                    log.info("Node {} leaves rotation: {}", gone, reasonGone(gone, nodes));
                }
            }
        }
        backends.clear();
        backends.putAll(next);
        publish();
    }

    private static void hold(Backend backend, String held) {
        boolean wasHeld = backend.held;
        backend.held = held != null;
        if (backend.ready && backend.held != wasHeld) {
            log.info(backend.held ? "Node {} leaves rotation: held ({})" : "Node {} enters rotation: no longer held",
                    backend, held);
        }
    }

    synchronized void markReady(Backend backend) {
        if (!backend.ready && backends.get(backend.id()) == backend) {
            backend.ready = true;
            publish();
            if (!backend.held) {
                log.info("Node {} enters rotation: it answers ready", backend);
            }
        }
    }

    synchronized void markDown(Backend backend, String reason) {
        if (backend.ready) {
            backend.ready = false;
            publish();
            if (!backend.held) {
                log.info("Node {} leaves rotation: {}", backend, reason);
            }
        }
    }

    private void publish() {
        ready = backends.values().stream().filter(b -> b.ready && !b.held).toArray(Backend[]::new);
    }

    private static String reasonGone(Backend gone, List<NodeRecord> nodes) {
        return nodes.stream()
                .filter(n -> n.id().equals(gone.id()))
                .findFirst()
                .map(n -> n.state() == NodeState.STOPPED ? "registered as stopped" : "re-registered at " + n.url())
                .orElse("no longer registered");
    }
}
