package dev.pitstop.node.plugin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/** Which plugins are installed, at which version, and whether they are enabled: the table {@code plugins}. */
public final class PluginStates {

    private final DataSource dataSource;

    public PluginStates(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public record State(String id, String version, boolean enabled) {
    }

    public Map<String, State> all() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, version, enabled FROM plugins ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            Map<String, State> states = new LinkedHashMap<>();
            while (rs.next()) {
                states.put(rs.getString(1), new State(rs.getString(1), rs.getString(2), rs.getBoolean(3)));
            }
            return states;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read plugin state: " + e.getMessage(), e);
        }
    }

    public void save(State state) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     INSERT INTO plugins (id, version, enabled) VALUES (?, ?, ?)
                     ON CONFLICT (id) DO UPDATE SET version = excluded.version, enabled = excluded.enabled,
                         updated_at = now()
                     """)) {
            ps.setString(1, state.id());
            ps.setString(2, state.version());
            ps.setBoolean(3, state.enabled());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot save the state of plugin " + state.id() + ": " + e.getMessage(), e);
        }
    }
}
