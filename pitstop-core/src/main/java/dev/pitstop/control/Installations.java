package dev.pitstop.control;

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
}
