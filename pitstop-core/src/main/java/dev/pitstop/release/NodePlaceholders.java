package dev.pitstop.release;

import dev.pitstop.secret.ClusterSecrets;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values a {@link ProcessNode} descriptor may use, as {@code ${name}}:
 * {@code node.id}, {@code port}, {@code url}, {@code db.url} (JDBC), {@code db.host}, {@code db.port},
 * {@code db.name}, {@code db.user}, {@code db.password} (read from its file at launch, never written
 * anywhere), {@code db.password-file}, {@code storage} (shared by the nodes and backed up),
 * {@code node.dir} (the node's own directory, not backed up: sockets, logs), {@code release} and, in
 * plugin commands, {@code plugin}; {@code env.NAME} is the supervisor's variable {@code NAME} (empty when unset),
 * e.g. to extend {@code PATH}; {@code secret.NAME} is the cluster's secret {@code NAME}, made once per cluster
 * ({@link ClusterSecrets}), e.g. the key an application signs its sessions with.
 *
 * @param password the database password, or null when the database needs none
 * @param secrets  the cluster's secrets
 */
public record NodePlaceholders(String nodeId, int port, String url, String dbUrl, String dbUser, String password,
                               Path passwordFile, Path storage, Path nodeDir, Path release, ClusterSecrets secrets) {

    private static final String ENV = "env.";
    private static final String SECRET = "secret.";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)}");

    /** {@code template} with every placeholder replaced; {@code extra} adds names such as {@code plugin}. */
    public String expand(String template, Map<String, String> extra) {
        Map<String, String> values = values(extra);
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String value = name.startsWith(ENV) ? System.getenv().getOrDefault(name.substring(ENV.length()), "")
                    : name.startsWith(SECRET) ? secrets.get(name.substring(SECRET.length()))
                    : values.get(name);
            if (value == null) {
                throw new IllegalArgumentException("unknown placeholder ${" + name + "} in \"" + template
                        + "\"; known: " + String.join(", ", values.keySet().stream().sorted().toList())
                        + ", env.NAME, secret.NAME");
            }
            matcher.appendReplacement(result, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    public List<String> expand(List<String> templates, Map<String, String> extra) {
        return templates.stream().map(template -> expand(template, extra)).toList();
    }

    private Map<String, String> values(Map<String, String> extra) {
        // jdbc:postgresql://host:port/name?options: the part after "jdbc:" is a URI.
        URI db = URI.create(dbUrl.substring("jdbc:".length()));
        Map<String, String> values = new java.util.HashMap<>(Map.of(
                "node.id", nodeId,
                "port", String.valueOf(port),
                "url", url,
                "db.url", dbUrl,
                "db.host", db.getHost(),
                "db.port", String.valueOf(db.getPort() == -1 ? 5432 : db.getPort()),
                "db.name", db.getPath().substring(1),
                "db.user", dbUser,
                "storage", storage.toString(),
                "release", release.toString()));
        values.put("node.dir", nodeDir.toString());
        values.put("db.password", password == null ? "" : password);
        values.put("db.password-file", passwordFile == null ? "" : passwordFile.toString());
        values.putAll(extra);
        return values;
    }
}
