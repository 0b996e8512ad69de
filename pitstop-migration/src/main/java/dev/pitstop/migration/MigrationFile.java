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
import java.security.PublicKey;
import java.util.List;

/**
 * A migration file that has been read whole and found sound: signed by a key the target accepts,
 * and every chunk's seal and every entry's checksum, size and row count match its signed manifest.
 * Only then is it acted on; its rows are read again, streaming, by {@link #rows}, and acted on only
 * if the manifest they end with is still the one verified.
 */
final class MigrationFile {

    private final Path path;
    private final long bodyLength;
    private final Manifest manifest;
    private final MigrationPlan plan;

    private MigrationFile(Path path, long bodyLength, Manifest manifest, MigrationPlan plan) {
        this.path = path;
        this.bodyLength = bodyLength;
        this.manifest = manifest;
        this.plan = plan;
    }

    /**
     * @param accepted the public keys whose files the target accepts
     * @throws MigrationRefusedException when it is not a migration file, is unsigned, signed by a key
     *                                   not accepted or does not match its signature, or is damaged or truncated
     */
    static MigrationFile verify(Path file, List<PublicKey> accepted) {
        Path path = file.toAbsolutePath().normalize();
        try {
            // A backup or another file given by mistake is named as such, before its signature is looked for.
            BackupReader.label(path, FileType.MIGRATION);
        } catch (BackupException e) {
            throw new MigrationRefusedException(path.toString(), List.of(e.getMessage()));
        }
        MigrationSignature signature = MigrationSignature.read(path);
        if (!signature.byOneOf(accepted)) {
            throw new MigrationRefusedException(path.toString(), List.of(path + " is signed by the key "
                    + MigrationKeys.fingerprint(signature.key()) + ", which this cluster does not trust; if that is "
                    + "the source cluster's key (pitstop --home SOURCE migration public-key > source.pub), trust it "
                    + "with: pitstop migration trust source.pub"));
        }
        try {
            ByteArrayOutputStream planJson = new ByteArrayOutputStream();
            Manifest manifest;
            try (BackupReader reader = open(path, signature.bodyLength())) {
                BackupReader.Event event;
                while ((event = reader.next()) != null) {
                    if (event == BackupReader.Event.DATA && reader.kind() == EntryKind.DEFINITIONS
                            && reader.name().equals(MigrationWriter.PLAN_ENTRY)) {
                        planJson.write(reader.data(), 0, reader.length());
                    }
                }
                manifest = reader.manifest();
            }
            if (!signature.matches(manifest)) {
                throw new MigrationRefusedException(path.toString(), List.of(path + " does not match its signature: "
                        + "it was changed after the cluster with key " + MigrationKeys.fingerprint(signature.key())
                        + " signed it"));
            }
            return new MigrationFile(path, signature.bodyLength(), manifest, plan(path, planJson.toByteArray()));
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

    /**
     * Reads every table's rows again, in file order. The consumer must be able to undo what it did
     * (a transaction): the file is found changed since it was verified only at its end.
     *
     * @throws MigrationException when the file changed since it was verified
     */
    void rows(RowsConsumer consumer) throws Exception {
        try (BackupReader reader = open(path, bodyLength)) {
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
            if (!reader.manifest().equals(manifest)) {
                throw new MigrationException(path + " changed while it was being read: its rows are not the ones "
                        + "signed; nothing was changed");
            }
        }
    }

    private static MigrationPlan plan(Path path, byte[] json) {
        if (json.length == 0) {
            throw new MigrationRefusedException(path.toString(), List.of(path + " is damaged: it has no plan"));
        }
        try {
            return Json.MAPPER.readValue(json, MigrationPlan.class);
        } catch (IOException e) {
            throw new MigrationRefusedException(path.toString(), List.of(path + " is damaged: its plan is not valid: "
                    + e.getMessage()));
        }
    }

    private static BackupReader open(Path path, long length) {
        return BackupReader.open(path, length, FileType.MIGRATION, PasswordSource.NONE);
    }
}
