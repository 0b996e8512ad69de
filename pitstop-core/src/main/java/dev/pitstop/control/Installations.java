package dev.pitstop.control;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The record of installations and upgrades. A row is written when one starts and completed when
 * it ends, so an attempt cut short by a crash stays visible as an uncompleted row.
 */
public final class Installations {

    private final DataSource dataSource;

    public Installations(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The release the cluster's database was last completely installed or upgraded to. */
    public Optional<String> installedVersion() {
        return Optional.ofNullable(Sql.query(dataSource, """
                SELECT release_version FROM pitstop.installations
                WHERE completed_at IS NOT NULL ORDER BY completed_at DESC, id DESC LIMIT 1
                """, rs -> rs.getString(1)));
    }

    /** Starts an attempt; {@code kind} is {@code install}, {@code upgrade} or {@code rollback}. */
    public long begin(String kind, String releaseVersion, String nodeId) {
        return Sql.query(dataSource, "INSERT INTO pitstop.installations (kind, release_version, node_id)"
                + " VALUES (?, ?, ?) RETURNING id", rs -> rs.getLong(1), kind, releaseVersion, nodeId);
    }

    public void complete(long id) {
        Sql.update(dataSource, "UPDATE pitstop.installations SET completed_at = now() WHERE id = ?", id);
    }

    /**
     * Records, in {@code c}'s transaction, that the database now holds the data of release
     * {@code releaseVersion}, restored from the backup file {@code backup} (kept as the row's
     * node): committed with the restored data, so the two never disagree. Does nothing in a
     * database without the control schema.
     */
    public static void recordRestore(Connection c, String releaseVersion, String backup) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT to_regclass('pitstop.installations') IS NOT NULL")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO pitstop.installations"
                + " (kind, release_version, node_id, completed_at) VALUES ('restore', ?, ?, now())")) {
            ps.setString(1, releaseVersion);
            ps.setString(2, backup);
            ps.execute();
        }
    }
}
