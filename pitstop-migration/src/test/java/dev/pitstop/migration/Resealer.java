package dev.pitstop.migration;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pitstop.backup.EntryWriter;
import dev.pitstop.backup.PasswordSource;
import dev.pitstop.backup.format.BackupHeader;
import dev.pitstop.backup.format.BackupReader;
import dev.pitstop.backup.format.BlockCompressor;
import dev.pitstop.backup.format.DigestSeal;
import dev.pitstop.backup.format.EntryKind;
import dev.pitstop.backup.format.FileType;
import dev.pitstop.backup.format.Json;
import dev.pitstop.backup.format.Manifest;
import dev.pitstop.backup.format.RecordWriter;
import dev.pitstop.backup.format.SealedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Does what someone who edits a migration file does to make it sound again: changes its plan,
 * writes every entry again with fresh checksums, a manifest to match and the format's seal, then
 * ends it with the original signature — or signs it again, as a trusted source that went bad would.
 */
final class Resealer {

    /** What {@link MigrationSignature} appends: key, signature, marker. */
    private static final int TRAILER_BYTES = 44 + 64 + 16;
    private static final int CHUNK_BYTES = 1 << 20;

    private Resealer() {
    }

    /**
     * Writes {@code file} again as {@code edited}, its plan changed by {@code edit}.
     *
     * @param signer the key pair to sign it with, or null to keep the original signature
     */
    static Path reseal(Path file, Path edited, Consumer<ObjectNode> edit, KeyPair signer) throws IOException {
        byte[] original = Files.readAllBytes(file);
        Map<String, Entry> entries = new LinkedHashMap<>();
        Manifest manifest;
        try (BackupReader reader = BackupReader.open(file, original.length - TRAILER_BYTES, FileType.MIGRATION,
                PasswordSource.NONE)) {
            for (BackupReader.Event e = reader.next(); e != null; e = reader.next()) {
                Entry entry = entries.computeIfAbsent(reader.kind() + "/" + reader.name(),
                        k -> new Entry(reader.kind(), reader.name(), new ByteArrayOutputStream()));
                if (e == BackupReader.Event.DATA) {
                    entry.data().write(reader.data(), 0, reader.length());
                }
            }
            manifest = reader.manifest();
        }
        MigrationWriter.FileSink sink;
        try (OutputStream out = Files.newOutputStream(edited); BlockCompressor compressor = new BlockCompressor()) {
            BackupHeader header = BackupHeader.write(out, FileType.MIGRATION, CHUNK_BYTES,
                    BackupReader.label(file, FileType.MIGRATION));
            SealedOutputStream body = new SealedOutputStream(out, new DigestSeal(header.digest()), CHUNK_BYTES,
                    header.length());
            sink = new MigrationWriter.FileSink(new RecordWriter(body));
            for (Entry entry : entries.values()) {
                byte[] data = entry.data().toByteArray();
                if (entry.kind() == EntryKind.DEFINITIONS && entry.name().equals(MigrationWriter.PLAN_ENTRY)) {
                    ObjectNode plan = (ObjectNode) Json.MAPPER.readTree(data);
                    edit.accept(plan);
                    data = Json.MAPPER.writeValueAsBytes(plan);
                }
                EntryWriter writer = new EntryWriter(sink, compressor, entry.kind(), entry.name());
                writer.write(data, 0, data.length);
                writer.finish(manifest.entries().stream().filter(m -> m.name().equals(entry.name())
                        && m.kind() == entry.kind()).findFirst().orElseThrow().rows());
            }
            Manifest resealed = new Manifest(manifest.formatVersion(), manifest.release(), manifest.createdAt(),
                    manifest.plugins(), manifest.server(), manifest.schemas(), sink.entries);
            sink.records.manifest(resealed);
            body.finish();
            if (signer == null) {
                out.write(Arrays.copyOfRange(original, original.length - TRAILER_BYTES, original.length));
            }
            manifest = resealed;
        }
        if (signer != null) {
            MigrationSignature.append(edited, manifest, signer);
        }
        return edited;
    }

    private record Entry(EntryKind kind, String name, ByteArrayOutputStream data) {
    }
}
