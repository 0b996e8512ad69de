package dev.pitstop.backup;

import dev.pitstop.db.Database;
import dev.pitstop.db.DbSettings;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;

/**
 * A database made on the cluster's server for one replay, and dropped when it is closed, whatever
 * the replay did: it has a unique name, so concurrent replays never meet, and {@code DROP ... WITH
 * (FORCE)} ends a session a failed replay may have left behind.
 */
final class ScratchDatabase implements AutoCloseable {

    private static final String APPLICATION_NAME = "pitstop-replay";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DbSettings server;
    private final String name;

    private ScratchDatabase(DbSettings server, String name) {
        this.server = server;
        this.name = name;
    }

    /**
     * @param server the cluster's database; the scratch one is made beside it, by the same user
     * @throws ScratchDatabaseException when the user may not create databases, saying what to do
     */
    static ScratchDatabase create(DbSettings server) {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        String name = "pitstop_replay_" + HexFormat.of().formatHex(random);
        try (Connection c = Database.connect(server, APPLICATION_NAME)) {
            Jdbc.execute(c, "CREATE DATABASE " + name);
        } catch (SQLException e) {
            String user = server.user() == null ? "the database user" : "the database user " + server.user();
            if ("42501".equals(e.getSQLState())) {
                throw new ScratchDatabaseException("cannot prove that the backup restores: " + user + " may not create "
                        + "databases on " + server.url() + ", and the backup is replayed into a scratch database made "
                        + "for it. Either let it (as a superuser: ALTER ROLE " + (server.user() == null ? "USER"
                        : server.user()) + " CREATEDB), or create an empty database it may use and name it in "
                        + "pitstop.yml as backup.scratch-database-url (each replay there runs in a transaction "
                        + "that is rolled back)", e);
            }
            throw new ScratchDatabaseException("cannot prove that the backup restores: creating a scratch database "
                    + "on " + server.url() + " failed: " + e.getMessage(), e);
        }
        return new ScratchDatabase(server, name);
    }

    DbSettings settings() {
        return server.withDatabase(name);
    }

    @Override
    public void close() {
        try (Connection c = Database.connect(server, APPLICATION_NAME)) {
            Jdbc.execute(c, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new BackupException("the scratch database " + name + " on " + server.url() + " could not be "
                    + "dropped: " + e.getMessage() + "; drop it by hand (DROP DATABASE " + name + ")", e);
        }
    }
}
