package dev.pitstop.backup;

import dev.pitstop.backup.ProgressUpdate.Stage;
import dev.pitstop.backup.format.BackupLabel;
import dev.pitstop.backup.format.BackupReader;
import dev.pitstop.backup.format.Json;
import dev.pitstop.backup.format.Manifest;
import dev.pitstop.backup.format.StoragePaths;
import dev.pitstop.backup.schema.AppSchemas;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

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

    private final Path file;
    private final RestoreOptions options;
    private final PasswordSource password;
    private String step = "starting";

    private Restorer(Path file, RestoreOptions options, PasswordSource password) {
        this.file = file;
        this.options = options;
        this.password = password;
    }

    static Manifest check(DbSettings db, Path file, RestoreOptions options) {
        return run(db, file, options, false);
    }

    static Manifest restore(DbSettings db, Path file, RestoreOptions options) {
        return run(db, file, options, true);
    }

    /** The checks, which refuse; then, if {@code load}, the restore. */
    private static Manifest run(DbSettings db, Path file, RestoreOptions options, boolean load) {
        BackupLabel label;
        try {
            label = BackupReader.label(file);
        } catch (InvalidBackupException e) {
            throw refused(file, e.getMessage(), e);
        }
        if (label.release() != null && Versions.compare(label.release(), options.runningRelease()) > 0) {
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
                throw refused(file, e.getMessage(), e);
            }
            if (options.storage() != null && label.storage()) {
                String shortfall = storageShortfall(options.storage(), manifest);
                if (shortfall != null) {
                    throw refused(file, shortfall, null);
                }
            }
            try (Connection c = Database.connect(db, APPLICATION_NAME)) {
                String incompatibility = ServerSettings.incompatibility(manifest.server(), ServerSettings.read(c));
                if (incompatibility != null) {
                    throw refused(file, incompatibility, null);
                }
                if (load) {
                    c.setAutoCommit(false);
                    if (!Jdbc.queryBoolean(c, "SELECT pg_try_advisory_xact_lock(" + AdvisoryLock.RESTORE + ")")) {
                        throw refused(file, "another restore into this database is running; wait until it ends", null);
                    }
                    new Restorer(file, options, once).load(c, label);
                }
            } catch (SQLException e) {
                throw new BackupException("restore of " + file + " failed, nothing was changed: cannot reach the database: "
                        + e.getMessage(), e);
            }
            return manifest;
        } finally {
            if (secret != null) {
                Arrays.fill(secret, '\0');
            }
        }
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
            if (options.storage() != null && label.storage()) {
                swap = StorageSwap.prepare(options.storage());
            }
            Jdbc.execute(c, "SET LOCAL search_path = ''");
            // Function bodies may refer to tables created after them.
            Jdbc.execute(c, "SET LOCAL check_function_bodies = false");
            Jdbc.execute(c, "SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
            step = "dropping the application schemas";
            for (String schema : AppSchemas.list(c)) {
                Jdbc.execute(c, "DROP SCHEMA " + schema + " CASCADE");
            }
            Definitions definitions = loadEntries(c, loader, swap == null ? null : swap.staging());
            finish(c, definitions);
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
            ProgressMeter meter = new ProgressMeter(options.progress(), Stage.RESTORING, reader.size());
            BackupReader.Event event;
            while ((event = reader.next()) != null) {
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
                            loader.load(tables.get(id), reader.data(), reader.length());
                        } else {
                            loader.end();
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
            step = "creating " + ddl.kind() + " " + ddl.object();
            if (meter != null) {
                meter.started(ddl.kind() + " " + ddl.object());
            }
            Jdbc.execute(c, ddl.sql());
            if (meter != null) {
                meter.finished(ddl.kind() + " " + ddl.object());
            }
        }
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
        String hint = e instanceof SQLException sql && "55P03".equals(sql.getSQLState())
                ? " (another session is using the application schemas: stop the nodes first)" : "";
        return new BackupException("restore of " + file + " failed while " + step
                + "; the database and the storage directory were left as they were: " + e.getMessage() + hint, e);
    }
}
