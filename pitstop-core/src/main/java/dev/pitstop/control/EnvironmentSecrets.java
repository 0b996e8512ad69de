package dev.pitstop.control;

import dev.pitstop.secret.ClusterKey;
import java.util.List;
import javax.sql.DataSource;

/**
 * The secret values of {@code app.environment} are kept sealed with the cluster key. Pitstop seals
 * those it writes (a migration's missing values); this seals any written in clear by other means —
 * by hand, or by a version before the key — so that from then on no backup holds them in clear.
 */
public final class EnvironmentSecrets {

    private static final String TABLE = "app.environment";

    private final DataSource db;

    public EnvironmentSecrets(DataSource db) {
        this.db = db;
    }

    /** Seals every secret value still in clear; returns how many. Nothing to do before the table exists. */
    public int sealClearValues(ClusterKey key) {
        Boolean exists = Sql.query(db, "SELECT to_regclass(?) IS NOT NULL", rs -> rs.getBoolean(1), TABLE);
        if (!Boolean.TRUE.equals(exists)) {
            return 0;
        }
        List<Value> clear = Sql.list(db, "SELECT name, value FROM " + TABLE + " WHERE secret AND left(value, ?) <> ?",
                rs -> new Value(rs.getString(1), rs.getString(2)), ClusterKey.PREFIX.length(), ClusterKey.PREFIX);
        int sealed = 0;
        for (Value value : clear) {
            // Only if unchanged meanwhile: a value written since is its writer's to seal.
            sealed += Sql.update(db, "UPDATE " + TABLE + " SET value = ? WHERE name = ? AND value = ?",
                    key.seal(value.name(), value.value()), value.name(), value.value());
        }
        return sealed;
    }

    private record Value(String name, String value) {
    }
}
