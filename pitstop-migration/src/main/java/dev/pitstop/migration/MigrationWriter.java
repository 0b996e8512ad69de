package dev.pitstop.migration;

import dev.pitstop.backup.EntrySink;
import dev.pitstop.backup.EntryWriter;
import dev.pitstop.backup.ServerSettings;
import dev.pitstop.backup.TableExport;
import dev.pitstop.backup.format.BackupHeader;
import dev.pitstop.backup.format.BackupLabel;
import dev.pitstop.backup.format.BlockCompressor;
import dev.pitstop.backup.format.DigestSeal;
import dev.pitstop.backup.format.EntryKind;
import dev.pitstop.backup.format.FileType;
import dev.pitstop.backup.format.Json;
import dev.pitstop.backup.format.Manifest;
import dev.pitstop.backup.format.RecordWriter;
import dev.pitstop.backup.format.SealedOutputStream;
import dev.pitstop.backup.schema.AppSchemas;
import dev.pitstop.backup.schema.Definitions;
import dev.pitstop.db.Database;
import dev.pitstop.db.DbSettings;
import dev.pitstop.secret.PrivateFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes a migration file from the source database, in one repeatable-read snapshot: the plan
 * first, then the rows of every table whose rule moves data, then the manifest. It is the backup
 * format with the migration signature, so it is verified by the same reader, and a restore refuses it.
 * The source cluster's key signs it last ({@link MigrationSignature}).
 */
final class MigrationWriter {

    static final String APPLICATION_NAME = "pitstop-migration";
    static final String PLAN_ENTRY = "migration.json";
    private static final int CHUNK_BYTES = 1 << 20;

    private final Map<String, Rule> rules;
    private final Declarations declarations;
    private final KeyPair signingKeys;

    private MigrationWriter(Map<String, Rule> rules, Declarations declarations, KeyPair signingKeys) {
        this.rules = rules;
        this.declarations = declarations;
        this.signingKeys = signingKeys;
    }

    static Migrations.Created create(DbSettings db, Path file, Map<String, Rule> rules, Declarations declarations,
                                     KeyPair signingKeys, AppSchemas appSchemas) {
        Path target = file.toAbsolutePath().normalize();
        if (Files.exists(target)) {
            throw new InvalidMigrationException(target + " exists already: choose another --output or delete it first");
        }
        try (Connection c = Database.connect(db, APPLICATION_NAME)) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            }
            return new MigrationWriter(rules, declarations, signingKeys).write(c, target, appSchemas);
        } catch (SQLException e) {
            throw new MigrationException("cannot create the migration, no file was written: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new MigrationException("cannot write " + target + ", no file was written: " + e.getMessage(), e);
        }
    }

    private Migrations.Created write(Connection c, Path file, AppSchemas appSchemas) throws SQLException, IOException {
        Instant createdAt = now(c);
        String release = DatabaseFacts.release(c);
        Definitions definitions = DatabaseFacts.definitions(c, appSchemas);
        MigrationPlan plan = plan(definitions, PrimaryKey.read(c, appSchemas), DatabaseFacts.environment(c));
        Manifest.Server server = ServerSettings.read(c);
        List<Manifest.Plugin> plugins = DatabaseFacts.plugins(c);
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        PrivateFiles.createDirectories(file.getParent());
        try {
            Manifest manifest;
            try (FileChannel channel = PrivateFiles.create(partial);
                 OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                 BlockCompressor compressor = new BlockCompressor()) {
                BackupHeader header = BackupHeader.write(out, FileType.MIGRATION, CHUNK_BYTES,
                        new BackupLabel(release, createdAt, false, null));
                SealedOutputStream body = new SealedOutputStream(out, new DigestSeal(header.digest()), CHUNK_BYTES,
                        header.length());
                FileSink sink = new FileSink(new RecordWriter(body));
                EntryWriter planEntry = new EntryWriter(sink, compressor, EntryKind.DEFINITIONS, PLAN_ENTRY);
                byte[] json = Json.MAPPER.writeValueAsBytes(plan);
                planEntry.write(json, 0, json.length);
                planEntry.finish(null);
                Set<String> withRows = plan.tables().stream().filter(t -> t.rule().movesData())
                        .map(MigrationPlan.PlannedTable::name).collect(Collectors.toSet());
                for (Definitions.Table table : definitions.tables()) {
                    if (withRows.contains(table.name())) {
                        new TableExport(table).run(c, sink, compressor);
                    }
                }
                manifest = new Manifest(BackupHeader.FORMAT_VERSION, release, createdAt, plugins, server,
                        definitions.schemas(), List.copyOf(sink.entries));
                sink.records.manifest(manifest);
                body.finish();
                out.flush();
                channel.force(true);
            }
            MigrationSignature.append(partial, manifest, signingKeys);
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            return new Migrations.Created(file, Files.size(file), manifest, plan);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** Every table with its rule, after checking the rules against the source's tables and keys. */
    private MigrationPlan plan(Definitions definitions, Map<String, PrimaryKey> keys,
                               List<MigrationPlan.EnvironmentName> environment) {
        Set<String> names = definitions.tables().stream().map(Definitions.Table::name).collect(Collectors.toSet());
        for (String named : rules.keySet()) {
            if (!names.contains(named)) {
                throw new InvalidMigrationException("the rules name table " + named + ", which the source does not have;"
                        + " 'pitstop migration check' on a file made without rules lists the tables");
            }
        }
        List<MigrationPlan.PlannedTable> tables = new ArrayList<>();
        for (Definitions.Table table : definitions.tables()) {
            Declarations.Declared declared = declarations.of(table.name());
            Rule rule = rules.getOrDefault(table.name(), declared.role().defaultRule());
            PrimaryKey key = keys.get(table.name());
            if (rules.containsKey(table.name())) {
                refuseRule(table.name(), declared, rule, key);
            }
            tables.add(new MigrationPlan.PlannedTable(table.name(), declared.owner(), declared.role(), rule,
                    key == null ? List.of() : key.columns()));
        }
        Set<String> moving = tables.stream().filter(t -> t.rule().movesSchema())
                .map(MigrationPlan.PlannedTable::name).collect(Collectors.toSet());
        return new MigrationPlan(tables, environment, DefinitionOwners.carried(definitions, moving));
    }

    private static void refuseRule(String table, Declarations.Declared declared, Rule rule, PrimaryKey key) {
        if (!declared.role().ruleCanChange() && rule != declared.role().defaultRule()) {
            throw new InvalidMigrationException("table " + table + " is " + declared.role().label() + " of " + declared.owner()
                    + ": it never moves, so the rules cannot give it '" + rule.label() + "'; leave it out of the rules");
        }
        if (rule.matchesKeys() && key == null) {
            throw new InvalidMigrationException("table " + table + " has no primary key, so '" + rule.label()
                    + "' cannot match its rows; give it a primary key, or use overwrite or schema-only");
        }
        if (rule.matchesKeys() && key.generated()) {
            throw new InvalidMigrationException("table " + table + " has a database-generated primary key ("
                    + String.join(", ", key.columns()) + " gets its value from an identity, sequence or default), so "
                    + "equal keys in two databases are unrelated rows and '" + rule.label() + "' would mix them up; "
                    + "use overwrite or schema-only");
        }
    }

    private static Instant now(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT now()")) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    /** Entries straight into the file: one thread writes a migration, tables one after the other. */
    static final class FileSink implements EntrySink {

        final RecordWriter records;
        final List<Manifest.Entry> entries = new ArrayList<>();
        private int nextId;

        FileSink(RecordWriter records) {
            this.records = records;
        }

        @Override
        public int open(EntryKind kind, String name) throws IOException {
            int id = nextId++;
            records.open(id, kind, name);
            return id;
        }

        @Override
        public void block(int id, int rawLength, byte[] compressed) throws IOException {
            records.block(id, rawLength, compressed, compressed.length);
        }

        @Override
        public void close(int id, Manifest.Entry entry) throws IOException {
            records.close(id);
            entries.add(entry);
        }
    }
}
