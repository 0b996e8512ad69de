package dev.pitstop.supervisor;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pitstop.home.Home;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * The scrape targets of a local cluster for Prometheus's file-based service discovery
 * ({@code deploy/prometheus/prometheus.yml}): {@code HOME/prometheus/nodes.json}, one target per
 * node labelled with its id, and {@code gateway.json}. Nodes get new ports at every start, so the
 * supervisor writes them once it knows the ports, and empties them when it stops, so that a stopped
 * cluster is not taken for a failing one.
 */
final class ScrapeTargets implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One file_sd target group: addresses and the labels they get. */
    private record Group(List<String> targets, Map<String, String> labels) {
    }

    private final Path dir;

    private ScrapeTargets(Path dir) {
        this.dir = dir;
    }

    /** @param nodes node id to URL; gateway the gateway's URL */
    static ScrapeTargets write(Home home, Map<String, String> nodes, String gateway) {
        ScrapeTargets targets = new ScrapeTargets(home.prometheusTargetsDir());
        targets.write("nodes.json", nodes.entrySet().stream()
                .map(node -> group(node.getValue(), Map.of("node", node.getKey()))).toList());
        targets.write("gateway.json", List.of(group(gateway, Map.of())));
        return targets;
    }

    @Override
    public void close() {
        write("nodes.json", List.of());
        write("gateway.json", List.of());
    }

    private static Group group(String url, Map<String, String> labels) {
        URI uri = URI.create(url);
        Map<String, String> all = new java.util.TreeMap<>(labels);
        all.put("__scheme__", uri.getScheme());
        return new Group(List.of(uri.getHost() + ":" + uri.getPort()), all);
    }

    /** Written beside and renamed over, so that Prometheus never reads half a file. */
    private void write(String name, List<Group> groups) {
        try {
            Files.createDirectories(dir);
            Path temporary = dir.resolve("." + name + ".tmp");
            JSON.writeValue(temporary.toFile(), groups);
            Files.move(temporary, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Prometheus targets " + dir.resolve(name) + ": "
                    + e.getMessage(), e);
        }
    }
}
