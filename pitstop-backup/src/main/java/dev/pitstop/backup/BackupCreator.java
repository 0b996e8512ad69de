package dev.pitstop.backup;

import dev.pitstop.backup.ProgressUpdate.Stage;
import dev.pitstop.backup.format.BackupHeader;
import dev.pitstop.backup.format.BackupLabel;
import dev.pitstop.backup.format.BlockCompressor;
import dev.pitstop.backup.format.ChunkSeal;
import dev.pitstop.backup.format.DigestSeal;
import dev.pitstop.backup.format.EntryKind;
import dev.pitstop.backup.format.GcmSeal;
import dev.pitstop.backup.format.Json;
import dev.pitstop.backup.format.KeyDerivation;
import dev.pitstop.backup.format.Manifest;
import dev.pitstop.backup.format.RecordWriter;
import dev.pitstop.backup.format.SealedOutputStream;
import dev.pitstop.backup.schema.AppSchemas;
import dev.pitstop.backup.schema.CatalogReader;
import dev.pitstop.backup.schema.Definitions;
import dev.pitstop.control.Installations;
import dev.pitstop.db.Database;
import dev.pitstop.db.DbSettings;
import dev.pitstop.secret.PrivateFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Writes a backup. One connection opens a repeatable-read transaction, exports its snapshot, locks
 * the tables against schema changes and reads the definitions; worker threads join the snapshot on
 * connections of their own and read tables largest first, and the storage directory, in parallel.
 * They hand compressed blocks through a short queue to this thread, the only one writing the file,
 * so memory holds a few blocks whatever the size of the database.
 *
 * <p>The file is written beside its final name and renamed once complete and synced, so a failed
 * or interrupted backup never leaves a file that looks like a backup.
 */
final class BackupCreator {

    static final String APPLICATION_NAME = "pitstop-backup";
    private static final int CHUNK_BYTES = 1 << 20;
    /** Enough to keep the disk busy while a worker compresses, few enough to keep memory flat. */
    private static final int QUEUED_MESSAGES_PER_WORKER = 4;
    private static final String LOCK_TIMEOUT = "10s";

    private final DbSettings db;
    private final BackupOptions options;
    private final AtomicInteger ids = new AtomicInteger();
    private final List<Manifest.Entry> entries = new ArrayList<>();
    private RecordWriter records;
    private SealedOutputStream body;
    private ProgressMeter meter;

    private BackupCreator(DbSettings db, BackupOptions options) {
        this.db = db;
        this.options = options;
    }

    static BackupResult create(DbSettings db, Path file, BackupOptions options) {
        return new BackupCreator(db, options).create(file.toAbsolutePath().normalize());
    }

    /**
     * Storage files (images, documents) barely compress, so the backup needs at least their size;
     * the tables' share is not known before they are read, and a shortfall there still fails cleanly.
     */
    private static void requireRoomForStorage(Path file, Path storage) {
        try {
            long needed;
            try (java.util.stream.Stream<Path> files = Files.walk(storage)) {
                needed = files.filter(Files::isRegularFile).mapToLong(path -> path.toFile().length()).sum();
            }
            String shortfall = DiskSpace.shortfall(DiskSpace.free(file.getParent()), needed, file.getParent(),
                    "the storage files alone");
            if (shortfall != null) {
                throw new BackupException("backup to " + file + " refused, nothing was written: " + shortfall);
            }
        } catch (java.io.IOException e) {
            throw new BackupException("cannot tell the size of " + storage + " or the free disk for " + file + ": "
                    + e.getMessage(), e);
        }
    }

    private BackupResult create(Path file) {
        long started = System.nanoTime();
        if (Files.exists(file)) {
            throw new BackupException("the backup file " + file + " already exists: choose another name or delete it first");
        }
        if (options.storage() != null) {
            requireRoomForStorage(file, options.storage());
        }
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (Connection snapshot = Database.connect(db, APPLICATION_NAME)) {
            snapshot.setAutoCommit(false);
            Jdbc.execute(snapshot, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            String snapshotId = Jdbc.queryString(snapshot, "SELECT pg_export_snapshot()");
            Instant createdAt = snapshotTime(snapshot);
            lockTables(snapshot, options.appSchemas());
            Definitions definitions = CatalogReader.read(snapshot, options.appSchemas());
            Snapshot contents = new Snapshot(definitions, createdAt, ServerSettings.read(snapshot),
                    options.release() != null ? options.release() : installedRelease(snapshot), plugins(snapshot));
            List<ExportTask> tasks = tasks(snapshot, definitions);
            PrivateFiles.createDirectories(file.getParent());
            try {
                Manifest manifest = write(partial, contents, tasks, snapshotId);
                Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
                return new BackupResult(file, Files.size(file), manifest, Duration.ofNanos(System.nanoTime() - started));
            } catch (IOException e) {
                if (DiskFull.causedBy(e)) {
                    long written = Files.exists(partial) ? Files.size(partial) : 0;
                    Files.deleteIfExists(partial);
                    throw DiskFull.failure(file.getParent(), written, estimatedSize(snapshot), e);
                }
                throw e;
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (SQLException e) {
            throw new BackupException("backup failed, no file was written: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new BackupException("backup failed, no file was written: cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** What the backup holds at most before compression: the database's size, plus the storage directory's. */
    private long estimatedSize(Connection snapshot) throws SQLException, IOException {
        long size = Long.parseLong(Jdbc.queryString(snapshot, "SELECT pg_database_size(current_database())::text"));
        if (options.storage() != null && Files.isDirectory(options.storage())) {
            try (var files = Files.walk(options.storage())) {
                size += files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
            }
        }
        return size;
    }

    /** What was read in the snapshot before the rows. */
    private record Snapshot(Definitions definitions, Instant createdAt, Manifest.Server server, String release,
                            List<Manifest.Plugin> plugins) {
    }

    private Manifest write(Path partial, Snapshot snapshot, List<ExportTask> tasks, String snapshotId) throws IOException {
        try (FileChannel channel = PrivateFiles.create(partial);
             OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16)) {
            KeyDerivation.NewKey key = newKey();
            BackupLabel label = new BackupLabel(snapshot.release(), snapshot.createdAt(), options.storage() != null,
                    key == null ? null : key.encryption());
            BackupHeader header = BackupHeader.write(out, CHUNK_BYTES, label);
            ChunkSeal seal = key == null ? new DigestSeal(header.digest())
                    : new GcmSeal(key.key(), key.encryption().noncePrefix(), header.digest());
            body = new SealedOutputStream(out, seal, CHUNK_BYTES, header.length());
            records = new RecordWriter(body);
            meter = new ProgressMeter(options.progress(), Stage.BACKING_UP, -1);
            writeDefinitions(snapshot.definitions());
            runTasks(tasks, snapshotId);
            Manifest manifest = new Manifest(BackupHeader.FORMAT_VERSION, snapshot.release(), snapshot.createdAt(),
                    snapshot.plugins(), snapshot.server(), snapshot.definitions().schemas(), List.copyOf(entries));
            records.manifest(manifest);
            body.finish();
            out.flush();
            channel.force(true);
            meter.bytes(body.position());
            meter.done();
            return manifest;
        }
    }

    private KeyDerivation.NewKey newKey() {
        char[] password = options.password().password();
        if (password == null) {
            return null;
        }
        try {
            return KeyDerivation.create(password, options.kdfCost());
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** The definitions go first: a restore creates the tables before any of their rows arrive. */
    private void writeDefinitions(Definitions definitions) throws IOException {
        try (BlockCompressor compressor = new BlockCompressor()) {
            EntryWriter entry = new EntryWriter(new MessageSink(ids, this::apply), compressor,
                    EntryKind.DEFINITIONS, "definitions.json");
            byte[] json = Json.MAPPER.writeValueAsBytes(definitions);
            entry.write(json, 0, json.length);
            entry.finish(null);
        }
    }

    private void runTasks(List<ExportTask> tasks, String snapshotId) throws IOException {
        int workers = Math.min(options.workers(), tasks.size());
        if (workers == 0) {
            return;
        }
        BlockingQueue<ExportMessage> queue = new ArrayBlockingQueue<>(workers * QUEUED_MESSAGES_PER_WORKER);
        Queue<ExportTask> pending = new ConcurrentLinkedQueue<>(tasks);
        MessageSink sink = new MessageSink(ids, message -> put(queue, message));
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers, runnable -> {
            Thread thread = new Thread(runnable, "pitstop-backup-worker-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            for (int i = 0; i < workers; i++) {
                pool.execute(() -> work(pending, sink, snapshotId));
            }
            int remaining = tasks.size();
            while (remaining > 0) {
                ExportMessage message = take(queue);
                apply(message);
                if (message instanceof ExportMessage.TaskEnded ended) {
                    remaining--;
                    if (ended.failure() != null) {
                        throw failure(ended);
                    }
                }
            }
        } finally {
            // Workers still blocked on the queue or between rows see the interrupt and stop.
            pool.shutdownNow();
            awaitTermination(pool);
        }
    }

    /** A worker: runs tasks until none is left, each ended by a TaskEnded message, success or not. */
    private void work(Queue<ExportTask> pending, MessageSink sink, String snapshotId) {
        Connection connection = null;
        try (BlockCompressor compressor = new BlockCompressor()) {
            ExportTask task;
            while ((task = pending.poll()) != null) {
                sink.send(new ExportMessage.TaskStarted(task.name()));
                Throwable failure = null;
                try {
                    if (task.readsDatabase() && connection == null) {
                        connection = joinSnapshot(snapshotId);
                    }
                    task.run(connection, sink, compressor);
                } catch (InterruptedIOException e) {
                    throw e;
                } catch (Exception | Error e) {
                    failure = e;
                }
                sink.send(new ExportMessage.TaskEnded(task.name(), failure));
                if (failure != null) {
                    return;
                }
            }
        } catch (IOException e) {
            // Only the queue throws here, when the writer has stopped taking messages: the backup
            // has failed already and says why.
        } finally {
            closeQuietly(connection);
        }
    }

    private void apply(ExportMessage message) throws IOException {
        if (message instanceof ExportMessage.Open open) {
            records.open(open.id(), open.kind(), open.name());
        } else if (message instanceof ExportMessage.Block block) {
            records.block(block.id(), block.rawLength(), block.compressed(), block.compressed().length);
            meter.bytes(body.position());
        } else if (message instanceof ExportMessage.Close close) {
            records.close(close.id());
            entries.add(close.entry());
        } else if (message instanceof ExportMessage.TaskStarted started) {
            meter.started(started.task());
        } else if (message instanceof ExportMessage.TaskEnded ended) {
            meter.finished(ended.task());
        }
    }

    private static BackupException failure(ExportMessage.TaskEnded ended) {
        if (ended.failure() instanceof BackupException e) {
            return e;
        }
        return new BackupException("backup failed while reading " + ended.task() + ", no file was written: "
                + ended.failure().getMessage(), ended.failure());
    }

    private Connection joinSnapshot(String snapshotId) throws SQLException {
        Connection c = Database.connect(db, APPLICATION_NAME);
        try {
            c.setAutoCommit(false);
            Jdbc.execute(c, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            Jdbc.execute(c, "SET TRANSACTION SNAPSHOT '" + snapshotId.replace("'", "''") + "'");
            // Values that name objects (regclass, regtype...) are written qualified, as the restore reads them.
            Jdbc.execute(c, "SET LOCAL search_path = ''");
            return c;
        } catch (SQLException e) {
            closeQuietly(c);
            throw e;
        }
    }

    /**
     * Holds off schema changes until the backup is written: the definitions are read from the
     * current catalogs, which must still match the rows read in the snapshot.
     */
    private static void lockTables(Connection snapshot, AppSchemas appSchemas) throws SQLException {
        String tables = Jdbc.queryString(snapshot, "SELECT string_agg(format('%I.%I', n.nspname, c.relname), ', ')"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE " + appSchemas.condition() + " AND c.relkind IN ('r', 'v')");
        if (tables == null) {
            return;
        }
        Jdbc.execute(snapshot, "SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
        try {
            Jdbc.execute(snapshot, "LOCK TABLE " + tables + " IN ACCESS SHARE MODE");
        } catch (SQLException e) {
            if ("55P03".equals(e.getSQLState())) {
                throw new BackupException("cannot back up: another session has been changing the application's tables for "
                        + LOCK_TIMEOUT + " (" + e.getMessage() + "); wait until it is done, then try again", e);
            }
            throw e;
        }
    }

    private static Instant snapshotTime(Connection snapshot) throws SQLException {
        try (Statement st = snapshot.createStatement(); ResultSet rs = st.executeQuery("SELECT now()")) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    private String installedRelease(Connection snapshot) throws SQLException {
        if (Jdbc.queryString(snapshot, "SELECT to_regclass('pitstop.installations')::text") == null) {
            return null;
        }
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(db.url());
        dataSource.setUser(db.user());
        dataSource.setPassword(db.password());
        dataSource.setApplicationName(APPLICATION_NAME);
        return new Installations(dataSource).installedVersion().orElse(null);
    }

    private static List<Manifest.Plugin> plugins(Connection snapshot) throws SQLException {
        String table = Database.APP_SCHEMA + ".plugins";
        List<Manifest.Plugin> plugins = new ArrayList<>();
        if (Jdbc.queryString(snapshot, "SELECT to_regclass('" + table + "')::text") == null) {
            return plugins;
        }
        try (Statement st = snapshot.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, version, enabled FROM " + table + " ORDER BY id")) {
            while (rs.next()) {
                plugins.add(new Manifest.Plugin(rs.getString(1), rs.getString(2), rs.getBoolean(3)));
            }
        }
        return plugins;
    }

    /** The storage directory first, then tables largest first, so no big one starts last. */
    private List<ExportTask> tasks(Connection snapshot, Definitions definitions) throws SQLException {
        Map<String, Long> sizes = new HashMap<>();
        try (Statement st = snapshot.createStatement();
             ResultSet rs = st.executeQuery("SELECT format('%I.%I', n.nspname, c.relname), pg_total_relation_size(c.oid)"
                     + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                     + " WHERE " + options.appSchemas().condition() + " AND c.relkind = 'r'")) {
            while (rs.next()) {
                sizes.put(rs.getString(1), rs.getLong(2));
            }
        }
        List<ExportTask> tasks = new ArrayList<>();
        if (options.storage() != null) {
            tasks.add(new StorageExport(options.storage()));
        }
        definitions.tables().stream()
                .sorted(Comparator.comparing((Definitions.Table t) -> sizes.getOrDefault(t.name(), 0L)).reversed())
                .map(TableExport::new)
                .forEach(tasks::add);
        return tasks;
    }

    private static void put(BlockingQueue<ExportMessage> queue, ExportMessage message) throws InterruptedIOException {
        try {
            queue.put(message);
        } catch (InterruptedException e) {
            // Keep the flag, so that the worker's next put fails at once instead of blocking.
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("the backup was stopped");
        }
    }

    private static ExportMessage take(BlockingQueue<ExportMessage> queue) throws InterruptedIOException {
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("the backup was interrupted");
        }
    }

    private static void awaitTermination(ExecutorService pool) {
        try {
            pool.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the worker is done with it either way
            }
        }
    }
}
