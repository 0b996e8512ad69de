package dev.pitstop.node.plugin;

import dev.pitstop.db.Announced;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Which plugins the cluster has, at which version, and whether they are installed and enabled: the
 * table {@code plugins}. Every change is announced on {@link #CHANNEL} in its own transaction, and
 * every node then brings its loaded plugins in line.
 */
public final class PluginStates {

    public static final String CHANNEL = "pitstop_plugins";

    private final DataSource dataSource;

    public PluginStates(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * One plugin's row.
     *
     * @param file the jar's name in the shared storage's plugin directory; null when bundled with the release
     */
    public record State(String id, String version, boolean enabled, boolean installed, String file) {

        public boolean active() {
            return enabled && installed;
        }
    }

    public Map<String, State> all() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT id, version, enabled, installed, file FROM plugins ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            Map<String, State> states = new LinkedHashMap<>();
            while (rs.next()) {
                states.put(rs.getString(1), new State(rs.getString(1), rs.getString(2), rs.getBoolean(3),
                        rs.getBoolean(4), rs.getString(5)));
            }
            return states;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read plugin state: " + e.getMessage(), e);
        }
    }

    public void save(State state) {
        change("""
                INSERT INTO plugins (id, version, enabled, installed, file) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET version = excluded.version, enabled = excluded.enabled,
                    installed = excluded.installed, file = excluded.file, updated_at = now()
                """, state.id(), state.version(), state.enabled(), state.installed(), state.file());
    }

    public void delete(String id) {
        change("DELETE FROM plugins WHERE id = ?", id);
    }

    private void change(String sql, Object... args) {
        try {
            Announced.update(dataSource, CHANNEL, sql, args);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot save plugin state: " + e.getMessage(), e);
        }
    }
}
