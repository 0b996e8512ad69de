package dev.pitstop.control;

import javax.sql.DataSource;

/**
 * The cluster-wide row of the control schema. Every change is announced on {@link #CHANNEL} in the
 * same transaction, so listeners never see a notification before the change is visible.
 */
public final class Cluster {

    public static final String CHANNEL = "pitstop_cluster";

    private final DataSource dataSource;

    public Cluster(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public ClusterMode mode() {
        return Sql.query(dataSource, "SELECT mode, page_html, retry_after FROM pitstop.cluster",
                rs -> new ClusterMode("maintenance".equals(rs.getString(1)), rs.getString(2), rs.getInt(3)));
    }

    /** Puts the status page up ({@code pageHtml} null for the default page) or takes it down. */
    public void setMaintenance(boolean on, String pageHtml, int retryAfterSeconds) {
        update("UPDATE pitstop.cluster SET mode = ?, page_html = ?, retry_after = ?, updated_at = now()",
                on ? "maintenance" : "serving", pageHtml, retryAfterSeconds);
    }

    /** Stores the hashes of the admin and bypass tokens; the tokens themselves stay in files. */
    public void setTokenHashes(String adminHash, String bypassHash) {
        update("UPDATE pitstop.cluster SET admin_token_hash = ?, bypass_token_hash = ?, updated_at = now()",
                adminHash, bypassHash);
    }

    public TokenHashes tokenHashes() {
        return Sql.query(dataSource, "SELECT admin_token_hash, bypass_token_hash FROM pitstop.cluster",
                rs -> new TokenHashes(rs.getString(1), rs.getString(2)));
    }

    public Policy policy() {
        return Sql.query(dataSource, "SELECT plugin_policy, upgrade_policy, window_open FROM pitstop.cluster",
                rs -> new Policy(rs.getString(1), rs.getString(2), rs.getBoolean(3)));
    }

    public void setPolicy(String plugins, String upgrade) {
        update("UPDATE pitstop.cluster SET plugin_policy = ?, upgrade_policy = ?, updated_at = now()", plugins, upgrade);
    }

    public void setWindowOpen(boolean open) {
        update("UPDATE pitstop.cluster SET window_open = ?, updated_at = now()", open);
    }

    /** The release a procedure has authorised nodes to upgrade the database to, or null. */
    public String upgradeTarget() {
        return Sql.query(dataSource, "SELECT upgrade_to FROM pitstop.cluster", rs -> rs.getString(1));
    }

    public void setUpgradeTarget(String releaseVersion) {
        update("UPDATE pitstop.cluster SET upgrade_to = ?, updated_at = now()", releaseVersion);
    }

    private void update(String sql, Object... args) {
        Sql.updateAndNotify(dataSource, CHANNEL, sql, args);
    }

    /** SHA-256 hashes (hex) of the admin and bypass tokens; either may be null when not set. */
    public record TokenHashes(String admin, String bypass) {
    }
}
