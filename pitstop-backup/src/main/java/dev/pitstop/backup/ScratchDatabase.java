package dev.pitstop.backup;

import dev.pitstop.backup.schema.AppSchemas;
import dev.pitstop.db.Database;
import dev.pitstop.db.DbSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;

/**
 * A database made on the cluster's server for one replay, and dropped when it is closed, whatever
 * the replay did: it has a unique name, so concurrent replays never meet, and {@code DROP ... WITH
 * (FORCE)} ends a session a failed replay may have left behind.
 */
public final class ScratchDatabase implements AutoCloseable {

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
        return create(server, "cannot prove that the backup restores", "the backup is replayed into a scratch "
                + "database made for it", ", or create an empty database it may use and name it in pitstop.yml as "
                + "backup.scratch-database-url (each replay there runs in a transaction that is rolled back)");
    }

    /**
     * @param failure   what cannot be done without it, to open the error
     * @param why       why a scratch database is needed
     * @param otherwise another way out, appended to the advice to grant CREATEDB; empty for none
     */
    private static ScratchDatabase create(DbSettings server, String failure, String why, String otherwise) {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        String name = "pitstop_replay_" + HexFormat.of().formatHex(random);
        try (Connection c = Database.connect(server, APPLICATION_NAME)) {
            Jdbc.execute(c, "CREATE DATABASE " + name);
        } catch (SQLException e) {
            String user = server.user() == null ? "the database user" : "the database user " + server.user();
            if ("42501".equals(e.getSQLState())) {
                throw new ScratchDatabaseException(failure + ": " + user + " may not create databases on "
                        + server.url() + ", and " + why + ". Let it (as a superuser: ALTER ROLE "
                        + (server.user() == null ? "USER" : server.user()) + " CREATEDB)" + otherwise, e);
            }
            throw new ScratchDatabaseException(failure + ": creating a scratch database on " + server.url()
                    + " failed: " + e.getMessage(), e);
        }
        return new ScratchDatabase(server, name);
    }

    /**
     * A scratch database holding a copy of {@code db}'s application schemas and their rows, made
     * by a backup (in a private temporary directory, deleted at once) restored into it: for running
     * what must never touch the live database. The copy is committed, so other users see it.
     *
     * @param purpose what the copy is for, as in "cannot PURPOSE: ..." when it cannot be made
     * @throws ScratchDatabaseException when the user may not create databases
     * @throws BackupException          when the backup or its restore failed
     */
    public static ScratchDatabase copyOf(DbSettings db, AppSchemas schemas, String purpose) {
        Path dir;
        try {
            dir = Files.createTempDirectory("pitstop-copy");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a temporary directory for a copy of " + db + ": "
                    + e.getMessage(), e);
        }
        Path file = dir.resolve("copy.pitstop");
        ScratchDatabase scratch = null;
        try {
            Backups.create(db, file, BackupOptions.defaults().withAppSchemas(schemas));
            scratch = create(db, "cannot " + purpose, "that runs on a copy of the database, in a scratch "
                    + "database made for it", "");
            String release = Backups.label(file).release();
            Backups.restore(scratch.settings(), file, RestoreOptions.forRelease(release == null ? "0" : release)
                    .withAppSchemas(schemas));
            ScratchDatabase made = scratch;
            scratch = null;
            return made;
        } finally {
            if (scratch != null) {
                scratch.close();
            }
            try {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                // Left in the system's temporary directory, readable by its owner only.
            }
        }
    }

    public DbSettings settings() {
        return server.withDatabase(name);
    }

    /** The database's name, a plain identifier. */
    public String name() {
        return name;
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
