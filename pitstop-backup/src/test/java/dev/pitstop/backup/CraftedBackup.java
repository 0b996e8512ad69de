package dev.pitstop.backup;

import dev.pitstop.backup.format.BackupHeader;
import dev.pitstop.backup.format.BackupLabel;
import dev.pitstop.backup.format.BlockCompressor;
import dev.pitstop.backup.format.DigestSeal;
import dev.pitstop.backup.format.EntryKind;
import dev.pitstop.backup.format.Json;
import dev.pitstop.backup.format.Manifest;
import dev.pitstop.backup.format.RecordWriter;
import dev.pitstop.backup.format.SealedOutputStream;
import dev.pitstop.backup.format.Sha256;
import dev.pitstop.backup.schema.Definitions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes backups by hand, sound in every respect but the one a test wants wrong, like a storage
 * entry whose path leaves the storage directory — which the engine itself never writes.
 */
final class CraftedBackup {

    private CraftedBackup() {
    }

    /** An unencrypted backup of no tables, holding one storage file per name, each containing its name. */
    static Path withStorageFiles(Path file, String... names) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : names) {
            files.put(name, name.getBytes(StandardCharsets.UTF_8));
        }
        return write(file, new Definitions(List.of(), List.of(), List.of(), List.of()), Map.of(), files);
    }

    /**
     * An unencrypted backup without storage of the definitions as given, which the engine would
     * never write in that order or shape, and of {@code rows}: COPY text by table name.
     */
    static Path withDefinitions(Path file, Definitions definitions, Map<String, String> rows) throws IOException {
        return write(file, definitions, rows, Map.of());
    }

    private static Path write(Path file, Definitions definitions, Map<String, String> rows, Map<String, byte[]> files)
            throws IOException {
        Instant createdAt = Instant.parse("2024-01-01T00:00:00Z");
        Manifest.Server server = new Manifest.Server("15.0", 150000, "UTF8");
        try (OutputStream out = Files.newOutputStream(file); BlockCompressor compressor = new BlockCompressor()) {
            BackupHeader header = BackupHeader.write(out, 4096, new BackupLabel("1.0.0", createdAt, !files.isEmpty(), null));
            SealedOutputStream body = new SealedOutputStream(out, new DigestSeal(header.digest()), 4096, header.length());
            RecordWriter records = new RecordWriter(body);
            List<Manifest.Entry> entries = new ArrayList<>();
            entries.add(entry(records, compressor, 0, EntryKind.DEFINITIONS, "definitions.json",
                    Json.MAPPER.writeValueAsBytes(definitions)));
            int id = 1;
            for (Map.Entry<String, String> table : rows.entrySet()) {
                entries.add(entry(records, compressor, id++, EntryKind.TABLE, table.getKey(),
                        table.getValue().getBytes(StandardCharsets.UTF_8)));
            }
            for (Map.Entry<String, byte[]> stored : files.entrySet()) {
                entries.add(entry(records, compressor, id++, EntryKind.FILE, stored.getKey(), stored.getValue()));
            }
            records.manifest(new Manifest(BackupHeader.FORMAT_VERSION, "1.0.0", createdAt, List.of(), server,
                    definitions.schemas(), entries));
            body.finish();
        }
        return file;
    }

    /** An unencrypted backup whose one storage file has a block claiming {@code rawLength} bytes. */
    static Path withBlockClaiming(Path file, int rawLength) throws IOException {
        Instant createdAt = Instant.parse("2024-01-01T00:00:00Z");
        try (OutputStream out = Files.newOutputStream(file); BlockCompressor compressor = new BlockCompressor()) {
            BackupHeader header = BackupHeader.write(out, 4096, new BackupLabel("1.0.0", createdAt, true, null));
            SealedOutputStream body = new SealedOutputStream(out, new DigestSeal(header.digest()), 4096, header.length());
            RecordWriter records = new RecordWriter(body);
            byte[] content = "small".getBytes(StandardCharsets.UTF_8);
            byte[] compressed = compressor.compress(content, content.length);
            records.open(1, EntryKind.FILE, "claims-a-gigabyte.bin");
            records.block(1, rawLength, compressed, compressed.length);
            records.close(1);
            body.finish();
        }
        return file;
    }

    private static Manifest.Entry entry(RecordWriter records, BlockCompressor compressor, int id, EntryKind kind,
                                        String name, byte[] content) throws IOException {
        records.open(id, kind, name);
        byte[] compressed = compressor.compress(content, content.length);
        records.block(id, content.length, compressed, compressed.length);
        records.close(id);
        long rows = new String(content, StandardCharsets.UTF_8).chars().filter(c -> c == '\n').count();
        return new Manifest.Entry(kind, name, content.length, kind == EntryKind.TABLE ? rows : null,
                Sha256.hex(Sha256.newDigest().digest(content)));
    }
}
