package dev.pitstop.driver;

import dev.pitstop.driver.haproxy.HaproxyProxy;
import dev.pitstop.driver.nginx.NginxProxy;
import dev.pitstop.home.ClusterConfig;
import java.util.Optional;

/** The external proxy {@code pitstop.yml} chooses with {@code traffic:}, if any. */
public final class Proxies {

    private Proxies() {
    }

    public static Optional<Proxy> of(ClusterConfig config) {
        return switch (config.traffic()) {
            case ClusterConfig.TRAFFIC_NGINX -> Optional.of(new NginxProxy(config.nginx()));
            case ClusterConfig.TRAFFIC_HAPROXY -> Optional.of(new HaproxyProxy(config.haproxy()));
            default -> Optional.empty();
        };
    }
}
