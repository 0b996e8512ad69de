package dev.pitstop.home;

/**
 * The {@code haproxy:} section of {@code pitstop.yml}, for {@code traffic: haproxy}. Pitstop steers a
 * running HAProxy through its runtime API; {@code deploy/haproxy/haproxy.cfg} is the configuration
 * it expects (a backend of server slots, a map file holding the maintenance switch, the status page
 * as the 503 errorfile).
 *
 * <pre>
 * haproxy:
 *   socket: /run/haproxy/admin.sock      # the runtime API: stats socket ... level admin
 *   map-file: /etc/haproxy/pitstop.map   # the map haproxy.cfg reads the maintenance switch from
 *   backend: pitstop_nodes               # default
 *   server-prefix: node                  # default: server-template node 1-N names the slots node1 ... nodeN
 * </pre>
 *
 * @param socket       the runtime API's UNIX socket, at level admin
 * @param mapFile      the map file, as haproxy.cfg names it; Pitstop rewrites it too, so a reload keeps the switch
 * @param backend      the backend whose server slots Pitstop points at the ready nodes
 * @param serverPrefix the slots' name before their number
 */
public record HaproxySettings(String socket, String mapFile, String backend, String serverPrefix) {

    public HaproxySettings {
        if (socket == null || socket.isBlank()) {
            throw new IllegalArgumentException("config key 'haproxy.socket' is required: the runtime API socket of "
                    + "'stats socket <path> level admin' in haproxy.cfg");
        }
        if (mapFile == null || mapFile.isBlank()) {
            throw new IllegalArgumentException("config key 'haproxy.map-file' is required: the map file haproxy.cfg "
                    + "reads the maintenance switch from (see deploy/haproxy/haproxy.cfg)");
        }
        backend = backend == null ? "pitstop_nodes" : backend;
        serverPrefix = serverPrefix == null ? "node" : serverPrefix;
    }
}
