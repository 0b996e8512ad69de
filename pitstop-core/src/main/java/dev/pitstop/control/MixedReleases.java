package dev.pitstop.control;

import java.util.Optional;
import javax.sql.DataSource;

/**
 * Which two releases may serve together while an online upgrade replaces nodes one at a time: the
 * installed one and its target, until the target's contract migrations ran. Nodes read it to
 * decide whether they may serve; only the online upgrade procedure writes it.
 */
public final class MixedReleases {

    /**
     * @param contracted whether the new release's contract migrations ran: from then on only it serves
     */
    public record Pair(String oldRelease, String newRelease, boolean contracted) {

        /**
         * Why a node of {@code release} may not serve while the database is installed at the old
         * release, or null when it may.
         */
        public String refusal(String release) {
            if (release.equals(newRelease)) {
                return null;
            }
            if (release.equals(oldRelease)) {
                return contracted ? "the online upgrade from " + oldRelease + " to " + newRelease + " has run its "
                        + "contract migrations: nodes of " + oldRelease + " may no longer serve; run nodes of "
                        + newRelease : null;
            }
            return "an online upgrade lets only " + oldRelease + " and " + newRelease + " serve together; this "
                    + "node runs " + release;
        }
    }

    private final DataSource dataSource;

    public MixedReleases(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Optional<Pair> current() {
        return Optional.ofNullable(Sql.query(dataSource,
                "SELECT old_release, new_release, contracted FROM pitstop.mixed_releases",
                rs -> new Pair(rs.getString(1), rs.getString(2), rs.getBoolean(3))));
    }

    /** Lets nodes of {@code newRelease} serve beside those of the installed {@code oldRelease}. */
    public void allow(String oldRelease, String newRelease) {
        Sql.update(dataSource, """
                INSERT INTO pitstop.mixed_releases (old_release, new_release) VALUES (?, ?)
                ON CONFLICT (id) DO UPDATE SET old_release = excluded.old_release, new_release = excluded.new_release,
                    contracted = false, since = now()
                """, oldRelease, newRelease);
    }

    /** The contract migrations are about to run: nodes of the old release may no longer serve. */
    public void contract() {
        Sql.update(dataSource, "UPDATE pitstop.mixed_releases SET contracted = true");
    }

    /** One release serves again. */
    public void end() {
        Sql.update(dataSource, "DELETE FROM pitstop.mixed_releases");
    }
}
