package dev.pitstop.home;

import dev.pitstop.control.ApiTokens;
import dev.pitstop.control.Cluster;
import dev.pitstop.control.ControlSchema;
import dev.pitstop.control.EnvironmentSecrets;
import dev.pitstop.control.Tokens;
import dev.pitstop.secret.ClusterKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.sql.DataSource;

/**
 * What {@code pitstop up} writes into the cluster before its nodes start, wherever they run: the
 * control schema, the hashes of the home's tokens (created if absent; the admin token recorded as
 * the named token {@code admin}) and the policy of {@code pitstop.yml}, which the nodes enforce. It
 * also makes the cluster key if absent and seals with it the secret values found in clear.
 */
public final class ControlSetup {

    private ControlSetup() {
    }

    /**
     * @param nodes the cluster's size, which the default plugin policy depends on
     * @return the admin token's hash
     */
    public static String prepare(DataSource controlDb, Home home, ClusterConfig config, int nodes) {
        ControlSchema.migrate(controlDb);
        try {
            String adminTokenHash = Tokens.hash(Tokens.readOrCreate(home.adminTokenFile()));
            Cluster cluster = new Cluster(controlDb);
            cluster.setTokenHashes(adminTokenHash, Tokens.hash(Tokens.readOrCreate(home.bypassTokenFile())));
            new ApiTokens(controlDb).putHomeAdmin(adminTokenHash);
            cluster.setPolicy(config.policy().pluginsFor(nodes), config.policy().upgradeOrDefault());
            new EnvironmentSecrets(controlDb).sealClearValues(ClusterKey.readOrCreate(config.clusterKeyFile(home)));
            return adminTokenHash;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the token files or the cluster key in " + home + ": "
                    + e.getMessage(), e);
        }
    }
}
