package dev.pitstop.migration;

import dev.pitstop.backup.BackupException;
import dev.pitstop.backup.PasswordSource;
import dev.pitstop.backup.format.BackupReader;
import dev.pitstop.backup.format.EntryKind;
import dev.pitstop.backup.format.FileType;
import dev.pitstop.backup.format.Json;
import dev.pitstop.backup.format.Manifest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A migration file that has been read whole and found sound: every chunk's seal and every entry's
 * checksum, size and row count match its manifest. Only then is it acted on; its rows are read
 * again, streaming, by {@link #rows}.
 */
final class MigrationFile {

    private final Path path;
    private final Manifest manifest;
    private final MigrationPlan plan;

    private MigrationFile(Path path, Manifest manifest, MigrationPlan plan) {
        this.path = path;
        this.manifest = manifest;
        this.plan = plan;
    }

    /** @throws MigrationRefusedException when it is not a migration file, or is damaged or truncated */
    static MigrationFile verify(Path file) {
        Path path = file.toAbsolutePath().normalize();
        try {
            Manifest manifest;
            try (BackupReader reader = open(path)) {
                manifest = reader.verify();
            }
            return new MigrationFile(path, manifest, readPlan(path));
        } catch (BackupException e) {
            throw new MigrationRefusedException(path.toString(), List.of(e.getMessage()));
        }
    }

    Path path() {
        return path;
    }

    String name() {
        return path.getFileName().toString();
    }

    Manifest manifest() {
        return manifest;
    }

    MigrationPlan plan() {
        return plan;
    }

    /** What takes a table's rows, block by block; each block holds whole rows in COPY text format. */
    interface RowsConsumer {
        void start(String table) throws Exception;

        void block(String table, byte[] rows, int length) throws Exception;

        void end(String table) throws Exception;
    }

    /** Reads every table's rows again, in file order. */
    void rows(RowsConsumer consumer) throws Exception {
        try (BackupReader reader = open(path)) {
            BackupReader.Event event;
            while ((event = reader.next()) != null) {
                if (reader.kind() != EntryKind.TABLE) {
                    continue;
                }
                switch (event) {
                    case OPEN -> consumer.start(reader.name());
                    case DATA -> consumer.block(reader.name(), reader.data(), reader.length());
                    case CLOSE -> consumer.end(reader.name());
                }
            }
        }
    }

    private static MigrationPlan readPlan(Path path) {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        try (BackupReader reader = open(path)) {
            BackupReader.Event event;
            while ((event = reader.next()) != null) {
                boolean plan = reader.kind() == EntryKind.DEFINITIONS && reader.name().equals(MigrationWriter.PLAN_ENTRY);
                if (plan && event == BackupReader.Event.DATA) {
                    json.write(reader.data(), 0, reader.length());
                } else if (plan && event == BackupReader.Event.CLOSE) {
                    return Json.MAPPER.readValue(json.toByteArray(), MigrationPlan.class);
                }
            }
        } catch (IOException e) {
            throw new MigrationRefusedException(path.toString(), List.of(path + " is damaged: its plan is not valid: "
                    + e.getMessage()));
        }
        throw new MigrationRefusedException(path.toString(), List.of(path + " is damaged: it has no plan"));
    }

    private static BackupReader open(Path path) {
        return BackupReader.open(path, FileType.MIGRATION, PasswordSource.NONE);
    }
}
