package dev.pitstop.backup;

import dev.pitstop.backup.ProgressUpdate.Stage;
import dev.pitstop.backup.format.BackupLabel;
import dev.pitstop.backup.format.BackupReader;
import dev.pitstop.backup.format.EntryKind;
import dev.pitstop.backup.format.Json;
import dev.pitstop.backup.format.Manifest;
import dev.pitstop.backup.format.StoragePaths;
import dev.pitstop.backup.schema.Definitions;
import dev.pitstop.backup.schema.Definitions.Ddl;
import dev.pitstop.backup.schema.Definitions.Table;
import dev.pitstop.control.AdvisoryLock;
import dev.pitstop.control.Installations;
import dev.pitstop.db.Database;
import dev.pitstop.db.DbSettings;
import dev.pitstop.release.Versions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Restores a backup. First the checks, which change nothing and refuse: the release that made the
 * backup, the whole file's verification, the server's settings. Then one transaction drops the
 * application schemas, recreates the definitions, loads the rows and builds constraints and
 * indexes, while the storage directory is extracted beside the current one; the directories are
 * swapped just before the commit and swapped back if it fails. Until the commit, any failure —
 * including the process being killed, which makes PostgreSQL roll back — leaves both as they were.
 * The transaction holds {@link AdvisoryLock#RESTORE}, so two restores never interleave, and
 * records the restored release in the control schema, if there is one.
 */
final class Restorer {

    static final String APPLICATION_NAME = "pitstop-restore";
    private static final String LOCK_TIMEOUT = "10s";

    /** What a run does once the file verified. */
    private enum Mode {
        /** Nothing more: the checks of a restore. */
        CHECK,
        /** The restore, committed. */
        RESTORE,
        /** The definitions replayed in a transaction rolled back at the end. */
        REPLAY_DEFINITIONS,
        /** The definitions and the rows, as a restore but rolled back at the end. */
        REPLAY_ALL;

        boolean replay() {
            return this == REPLAY_DEFINITIONS || this == REPLAY_ALL;
        }
    }

    private final Path file;
    private final RestoreOptions options;
    private final PasswordSource password;
    private final Mode mode;
    private String step = "starting";
    /** What is being recreated or loaded, like "view app.totals", for a replay's verdict. */
    private String object;

    private Restorer(Path file, RestoreOptions options, PasswordSource password, Mode mode) {
        this.file = file;
        this.options = options;
        this.password = password;
        this.mode = mode;
    }

    static Manifest check(DbSettings db, Path file, RestoreOptions options) {
        return run(db, file, options, Mode.CHECK);
    }

    static Manifest restore(DbSettings db, Path file, RestoreOptions options) {
        return run(db, file, options, Mode.RESTORE);
    }

    /**
     * Verifies {@code file}, then replays it into {@code scratch} in a transaction that is rolled
     * back; the replay does not depend on the running release or the server's settings.
     */
    static Manifest replay(DbSettings scratch, Path file, ReplayOptions replay) {
        RestoreOptions options = new RestoreOptions("", null, replay.password(), replay.progress(), replay.appSchemas(),
                true, true);
        return run(scratch, file, options, replay.rows() ? Mode.REPLAY_ALL : Mode.REPLAY_DEFINITIONS);
    }

    /** The checks, which refuse; then what {@code mode} asks. */
    private static Manifest run(DbSettings db, Path file, RestoreOptions options, Mode mode) {
        BackupLabel label;
        try {
            label = BackupReader.label(file);
        } catch (InvalidBackupException e) {
            throw refused(file, e.getMessage(), e);
        }
        if (!mode.replay() && label.release() != null
                && Versions.compare(label.release(), options.runningRelease()) > 0) {
            throw refused(file, "it was made by release " + label.release() + ", newer than the running release "
                    + options.runningRelease() + ": upgrade to " + label.release() + " or later first", null);
        }
        // Asked once for the two passes, so that a prompt does not ask twice.
        char[] secret = label.encrypted() ? options.password().password() : null;
        try {
            PasswordSource once = secret == null ? PasswordSource.NONE : PasswordSource.of(secret);
            Manifest manifest;
            try {
                manifest = Backups.verify(file, once, options.progress());
            } catch (InvalidBackupException e) {
                throw mode.replay() ? e : refused(file, e.getMessage(), e);
            }
            List<String> foreign = manifest.schemas().stream()
                    .filter(schema -> !options.appSchemas().includes(schema)).toList();
            if (!foreign.isEmpty()) {
                String reason = "it holds the schema" + (foreign.size() == 1 ? " " : "s ") + String.join(", ", foreign)
                        + ", which " + (foreign.size() == 1 ? "is" : "are") + " not among the application's ("
                        + options.appSchemas() + ", app-schemas in pitstop.yml): a restore replaces only those";
                if (mode.replay()) {
                    throw new InvalidBackupException(file + " cannot be restored here: " + reason);
                }
                throw refused(file, reason, null);
            }
            if (options.storage() != null && label.storage()) {
                String shortfall = storageShortfall(options.storage(), manifest);
                if (shortfall != null) {
                    throw refused(file, shortfall, null);
                }
            }
            try (Connection c = Database.connect(db, APPLICATION_NAME)) {
                if (mode.replay()) {
                    c.setAutoCommit(false);
                    new Restorer(file, options, once, mode).load(c, label);
                    return manifest;
                }
                String incompatibility = ServerSettings.incompatibility(manifest.server(), ServerSettings.read(c));
                if (incompatibility != null) {
                    throw refused(file, incompatibility, null);
                }
                refuseMissingRoles(c, file, definitions(file, once), options);
                if (mode == Mode.RESTORE) {
                    c.setAutoCommit(false);
                    if (!Jdbc.queryBoolean(c, "SELECT pg_try_advisory_xact_lock(" + AdvisoryLock.RESTORE + ")")) {
                        throw refused(file, "another restore into this database is running; wait until it ends", null);
                    }
                    new Restorer(file, options, once, mode).load(c, label);
                }
            } catch (SQLException e) {
                throw new BackupException((mode.replay() ? "the replay of " : "restore of ") + file
                        + " failed, nothing was changed: cannot reach the database: " + e.getMessage(), e);
            }
            return manifest;
        } finally {
            if (secret != null) {
                Arrays.fill(secret, '\0');
            }
        }
    }

    /** The backup's definitions, its first entry, without reading the rest of the file. */
    private static Definitions definitions(Path file, PasswordSource password) {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        try (BackupReader reader = BackupReader.open(file, password)) {
            BackupReader.Event event;
            while ((event = reader.next()) != null) {
                if (reader.kind() == EntryKind.DEFINITIONS) {
                    if (event == BackupReader.Event.DATA) {
                        json.write(reader.data(), 0, reader.length());
                    } else if (event == BackupReader.Event.CLOSE) {
                        return Json.MAPPER.readValue(json.toByteArray(), Definitions.class);
                    }
                }
            }
        } catch (IOException e) {
            throw refused(file, "its definitions cannot be read: " + e.getMessage(), e);
        }
        throw refused(file, "it holds no definitions", null);
    }

    /**
     * Owners, grantees and policies' roles are carried by name: a server that lacks some is
     * refused before anything changes, unless owners and privileges are left out (and the rest
     * needs none of the missing roles).
     */
    private static void refuseMissingRoles(Connection c, Path file, Definitions definitions, RestoreOptions options)
            throws SQLException {
        Set<String> needed = new TreeSet<>();
        Set<String> neededWithoutGrants = new TreeSet<>();
        for (Ddl ddl : concat(definitions)) {
            if (options.runs(ddl)) {
                needed.addAll(ddl.roles());
            }
            if (!ddl.kind().equals(Ddl.OWNER) && !ddl.kind().equals(Ddl.PRIVILEGES)
                    && !ddl.kind().equals(Ddl.DEFAULT_PRIVILEGES)) {
                neededWithoutGrants.addAll(ddl.roles());
            }
        }
        needed.removeAll(Jdbc.queryStrings(c, "SELECT rolname FROM pg_roles"));
        if (needed.isEmpty()) {
            return;
        }
        neededWithoutGrants.retainAll(needed);
        String fix = neededWithoutGrants.isEmpty()
                ? "create them (CREATE ROLE), or restore with --no-owner and --no-privileges to leave owners and grants"
                        + " out (the objects then belong to the user who restores)"
                : "create them (CREATE ROLE): " + String.join(", ", neededWithoutGrants) + " are named by row-level"
                        + " security policies, which cannot be left out";
        throw refused(file, "this server lacks roles the backup names: " + String.join(", ", needed) + "; " + fix, null);
    }

    private static Iterable<Ddl> concat(Definitions definitions) {
        List<Ddl> all = new ArrayList<>(definitions.beforeData());
        all.addAll(definitions.afterData());
        return all;
    }

    /** The storage files are written beside the storage directory before they replace it. */
    private static String storageShortfall(Path storage, Manifest manifest) {
        try {
            return DiskSpace.shortfall(DiskSpace.free(storage), DiskSpace.storageBytes(manifest), storage,
                    "the backup's storage files");
        } catch (IOException e) {
            throw new BackupException("cannot tell the free disk of " + storage + ": " + e.getMessage(), e);
        }
    }

    private static RestoreRefusedException refused(Path file, String reason, Throwable cause) {
        return new RestoreRefusedException("restore of " + file + " refused, nothing was changed: " + reason, cause);
    }

    private void load(Connection c, BackupLabel label) throws SQLException {
        StorageSwap swap = null;
        boolean swapped = false;
        TableLoader loader = new TableLoader(c);
        try {
            c.setAutoCommit(false);
            if (!mode.replay() && options.storage() != null && label.storage()) {
                swap = StorageSwap.prepare(options.storage());
            }
            Jdbc.execute(c, "SET LOCAL search_path = ''");
            // Function bodies may refer to tables created after them.
            Jdbc.execute(c, "SET LOCAL check_function_bodies = false");
            Jdbc.execute(c, "SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
            step = "dropping the application schemas";
            for (String schema : options.appSchemas().list(c)) {
                Jdbc.execute(c, "DROP SCHEMA " + schema + " CASCADE");
            }
            Definitions definitions = loadEntries(c, loader, swap == null ? null : swap.staging());
            finish(c, definitions);
            if (mode.replay()) {
                c.rollback();
                return;
            }
            if (label.release() != null) {
                step = "recording the restored release";
                Installations.recordRestore(c, label.release(), file.getFileName().toString());
            }
            if (swap != null) {
                step = "swapping the storage directory";
                swap.swap();
                swapped = true;
            }
            step = "committing";
            c.commit();
        } catch (SQLException | IOException | RuntimeException e) {
            loader.cancel();
            undo(c, swap, swapped, e);
            throw failed(e);
        }
        if (swap != null) {
            try {
                swap.commit();
            } catch (IOException e) {
                throw new BackupException("restore of " + file + " succeeded, but the previous storage directory beside "
                        + options.storage() + " could not be deleted: " + e.getMessage() + "; delete it by hand", e);
            }
        }
    }

    /** Reads every entry, recreating the definitions first and loading rows and files as they come. */
    private Definitions loadEntries(Connection c, TableLoader loader, Path staging) throws SQLException, IOException {
        Definitions definitions = null;
        ByteArrayOutputStream definitionsJson = new ByteArrayOutputStream();
        Map<String, Table> tablesByName = Map.of();
        Map<Integer, Table> tables = new HashMap<>();
        Map<Integer, OutputStream> files = new HashMap<>();
        try (BackupReader reader = BackupReader.open(file, password)) {
            ProgressMeter meter = new ProgressMeter(options.progress(),
                    mode.replay() ? Stage.REPLAYING : Stage.RESTORING, reader.size());
            BackupReader.Event event;
            // A replay of the definitions alone needs nothing after them.
            while ((mode != Mode.REPLAY_DEFINITIONS || definitions == null) && (event = reader.next()) != null) {
                meter.bytes(reader.position());
                int id = reader.id();
                switch (reader.kind()) {
                    case DEFINITIONS -> {
                        if (event == BackupReader.Event.DATA) {
                            definitionsJson.write(reader.data(), 0, reader.length());
                        } else if (event == BackupReader.Event.CLOSE) {
                            definitions = Json.MAPPER.readValue(definitionsJson.toByteArray(), Definitions.class);
                            tablesByName = definitions.tables().stream()
                                    .collect(Collectors.toMap(Table::name, Function.identity()));
                            runAll(c, definitions.beforeData(), null);
                        }
                    }
                    case TABLE -> {
                        if (event == BackupReader.Event.OPEN) {
                            Table table = tablesByName.get(reader.name());
                            if (table == null) {
                                throw new InvalidBackupException(file + " is damaged: it has rows for table " + reader.name()
                                        + " before or without its definition");
                            }
                            tables.put(id, table);
                            meter.started(table.name());
                        } else if (event == BackupReader.Event.DATA) {
                            step = "loading table " + reader.name();
                            object = "rows of table " + reader.name();
                            loader.load(tables.get(id), reader.data(), reader.length());
                        } else {
                            step = "loading table " + reader.name();
                            loader.end();
                            object = null;
                            meter.finished(reader.name());
                        }
                    }
                    case DIRECTORY -> {
                        if (staging != null && event == BackupReader.Event.OPEN) {
                            Files.createDirectories(StoragePaths.resolve(staging, reader.name(), file.toString()));
                        }
                    }
                    case FILE -> {
                        if (staging != null) {
                            step = "extracting storage file " + reader.name();
                            extract(event, reader, staging, files);
                        }
                    }
                }
            }
            meter.done();
        } finally {
            for (OutputStream out : files.values()) {
                out.close();
            }
        }
        return definitions;
    }

    private void extract(BackupReader.Event event, BackupReader reader, Path staging, Map<Integer, OutputStream> files)
            throws IOException {
        switch (event) {
            case OPEN -> {
                Path target = StoragePaths.resolve(staging, reader.name(), file.toString());
                Files.createDirectories(target.getParent());
                files.put(reader.id(), Files.newOutputStream(target));
            }
            case DATA -> files.get(reader.id()).write(reader.data(), 0, reader.length());
            case CLOSE -> files.remove(reader.id()).close();
        }
    }

    /** Constraints, indexes, foreign keys, triggers and sequence values, over the loaded rows. */
    private void finish(Connection c, Definitions definitions) throws SQLException {
        ProgressMeter meter = new ProgressMeter(options.progress(), Stage.FINISHING, -1);
        runAll(c, definitions.afterData(), meter);
        meter.done();
    }

    private void runAll(Connection c, Iterable<Ddl> statements, ProgressMeter meter) throws SQLException {
        for (Ddl ddl : statements) {
            if (!options.runs(ddl)) {
                continue;
            }
            object = ddl.kind() + " " + ddl.object();
            step = "creating " + object;
            if (meter != null) {
                meter.started(ddl.kind() + " " + ddl.object());
            }
            Jdbc.execute(c, ddl.sql());
            if (meter != null) {
                meter.finished(ddl.kind() + " " + ddl.object());
            }
        }
        object = null;
    }

    private void undo(Connection c, StorageSwap swap, boolean swapped, Exception failure) {
        try {
            c.rollback();
        } catch (SQLException e) {
            // A broken connection cannot commit either: PostgreSQL rolls back when it closes.
            failure.addSuppressed(e);
        }
        if (swap == null) {
            return;
        }
        try {
            if (swapped) {
                swap.revert();
            } else {
                swap.discard();
            }
        } catch (IOException e) {
            BackupException worse = new BackupException("restore of " + file + " failed while " + step
                    + " and the storage directory could not be put back (" + e.getMessage() + "); the database was left"
                    + " as it was, the previous storage directory is beside " + options.storage()
                    + " as ." + options.storage().getFileName() + ".previous-*: move it back by hand", failure);
            worse.addSuppressed(e);
            throw worse;
        }
    }

    private BackupException failed(Exception e) {
        if (mode.replay()) {
            if (e instanceof SQLException sql && object != null) {
                return new ReplayFailedException(file.toString(), object, databaseMessage(sql), e);
            }
            return e instanceof BackupException backup ? backup : new BackupException("the replay of " + file
                    + " failed while " + step + ": " + e.getMessage(), e);
        }
        String hint = e instanceof SQLException sql && "55P03".equals(sql.getSQLState())
                ? " (another session is using the application schemas: stop the nodes first)" : "";
        return new BackupException("restore of " + file + " failed while " + step
                + "; the database and the storage directory were left as they were: " + e.getMessage() + hint, e);
    }

    /** PostgreSQL's own message, without the driver's "ERROR:" prefix and position. */
    private static String databaseMessage(SQLException e) {
        ServerErrorMessage server = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
        return server == null || server.getMessage() == null ? e.getMessage()
                : server.getMessage() + (server.getDetail() == null ? "" : " (" + server.getDetail() + ")");
    }
}
