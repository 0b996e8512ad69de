package dev.pitstop.home;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import dev.pitstop.config.ConfigLoader;
import dev.pitstop.control.Policy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code pitstop.yml}: how the operator wants the cluster run — what its policy allows, and how a
 * procedure verifies a node before traffic returns to it. Read from the home, or the file given
 * with {@code --config}; every key can also come from the environment ({@code PITSTOP_POLICY_PLUGINS}).
 * An unknown key is an error. Every section is optional.
 *
 * <pre>
 * policy:
 *   plugins: window-only     # allowed | window-only | prohibited; default: window-only for more than one node
 *   upgrade: allowed         # allowed | prohibited; default: allowed
 * checks:                    # HTTP requests a verified node must answer as expected
 *   - path: /api/items
 *     status: 200            # default: 200
 *     body-contains: "["     # default: any body
 *     method: GET            # default: GET
 * </pre>
 */
public record ClusterConfig(PolicyConfig policy, List<Check> checks) {

    public static final String FILE_NAME = "pitstop.yml";

    public ClusterConfig {
        policy = policy == null ? new PolicyConfig(null, null) : policy;
        checks = checks == null ? List.of() : List.copyOf(checks);
    }

    /**
     * Reads {@code file}, or {@code HOME/pitstop.yml} when no file is given; with neither, the defaults.
     *
     * @throws dev.pitstop.config.ConfigException naming the key and what is wrong with it
     */
    public static ClusterConfig load(Home home, Path file, Map<String, String> env) {
        Path source = file != null ? file : Files.exists(home.configFile()) ? home.configFile() : null;
        return ConfigLoader.load(ClusterConfig.class, source, env, Map.of());
    }

    /**
     * @param plugins whether plugins may be changed: {@code allowed}, {@code window-only} (inside a
     *                maintenance window) or {@code prohibited}; null for the default
     * @param upgrade whether the cluster may be upgraded: {@code allowed} or {@code prohibited}; null for the default
     */
    public record PolicyConfig(String plugins, String upgrade) {

        public PolicyConfig {
            requireOneOf("policy.plugins", plugins, Set.of(Policy.ALLOWED, Policy.WINDOW_ONLY, Policy.PROHIBITED));
            requireOneOf("policy.upgrade", upgrade, Set.of(Policy.ALLOWED, Policy.PROHIBITED));
        }

        /**
         * The plugin policy for a cluster of {@code nodes}: with more than one node, a plugin change
         * on a serving cluster would reach the nodes one by one, so changes wait for a window unless
         * the operator allows them outright.
         */
        public String pluginsFor(int nodes) {
            if (plugins != null) {
                return plugins;
            }
            return nodes > 1 ? Policy.WINDOW_ONLY : Policy.ALLOWED;
        }

        public String upgradeOrDefault() {
            return upgrade == null ? Policy.ALLOWED : upgrade;
        }

        private static void requireOneOf(String key, String value, Set<String> allowed) {
            if (value != null && !allowed.contains(value)) {
                throw new IllegalArgumentException("config key '" + key + "' must be one of "
                        + String.join(", ", allowed.stream().sorted().toList()) + ", got '" + value + "'");
            }
        }
    }

    /**
     * An HTTP request a node must answer as expected before a procedure lets traffic back to it.
     *
     * @param method       default {@code GET}
     * @param path         starting with {@code /}, sent to the node
     * @param status       the expected status; default 200
     * @param bodyContains a text the body must contain; null for any body
     */
    public record Check(String method, String path, Integer status, String bodyContains) {

        public Check {
            method = method == null ? "GET" : method;
            status = status == null ? 200 : status;
            if (path == null || !path.startsWith("/")) {
                throw new IllegalArgumentException("each entry of config key 'checks' needs a 'path' starting with /"
                        + (path == null ? "" : ", got '" + path + "'"));
            }
            if (status < 100 || status > 599) {
                throw new IllegalArgumentException("config key 'checks' has status " + status + " for " + path
                        + "; an HTTP status is between 100 and 599");
            }
        }

        /** Jackson's own message for an unknown key names the Java class; an operator needs the key. */
        @JsonAnySetter
        void unknownKey(String key, Object value) {
            throw new IllegalArgumentException("unknown key '" + key + "' in an entry of config key 'checks'; "
                    + "known keys: method, path, status, body-contains");
        }

        @Override
        public String toString() {
            return method + " " + path + " → " + status + (bodyContains == null ? "" : " containing '" + bodyContains + "'");
        }
    }
}
