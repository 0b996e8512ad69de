package dev.pitstop.supervisor;

import dev.pitstop.db.DbSettings;
import dev.pitstop.home.ClusterConfig;
import dev.pitstop.http.TlsSettings;
import dev.pitstop.home.Home;
import dev.pitstop.release.Release;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What {@code pitstop up} was asked for.
 *
 * @param host           the address the gateway listens on
 * @param externalDb     the database to use, or null to run the embedded one under the home
 * @param dbPasswordFile the file with {@code externalDb}'s password, or null
 * @param nodeSettings   extra node configuration ({@code key=value}), given to every node
 * @param readyTimeout   how long each node may take to become ready
 * @param config         the operator's configuration; the supervisor writes its policy into the control schema
 * @param durability     how the embedded database writes to disk (ignored with {@code externalDb})
 * @param tls            the gateway's HTTPS, or null for plain HTTP
 */
public record SupervisorSettings(Home home, Release release, int nodes, String host, int port, DbSettings externalDb,
                                 Path dbPasswordFile, Map<String, String> nodeSettings, Duration readyTimeout,
                                 ClusterConfig config, EmbeddedDatabase.Durability durability, TlsSettings tls) {

    public SupervisorSettings {
        if (nodes < 1) {
            throw new IllegalArgumentException("a cluster needs at least 1 node, got " + nodes);
        }
        nodeSettings = Map.copyOf(nodeSettings);
    }
}
