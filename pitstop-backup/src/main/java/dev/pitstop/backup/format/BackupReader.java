package dev.pitstop.backup.format;

import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import dev.pitstop.backup.BackupException;
import dev.pitstop.backup.BackupPasswordException;
import dev.pitstop.backup.InvalidBackupException;
import dev.pitstop.backup.PasswordSource;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.SecretKey;

/**
 * Reads a backup front to back, one event at a time, and checks it as it goes: every chunk's seal,
 * every block's size, and at the end every entry's checksum, size and row count against the
 * manifest. {@link #next} returns null only once the whole file has proven sound; a caller that
 * acts on entries as they come (a restore) must be able to undo them until then.
 */
public final class BackupReader implements AutoCloseable {

    /** What {@link #next} read. */
    public enum Event { OPEN, DATA, CLOSE }

    private final String file;
    private final long size;
    private final ReadLimits limits;
    private final InputStream raw;
    private final BackupHeader header;
    private final SealedInputStream sealed;
    private final DataInputStream in;
    private final ZstdDecompressCtx zstd = new ZstdDecompressCtx();
    private final Map<Integer, EntryState> open = new HashMap<>();
    private final Map<String, Manifest.Entry> completed = new LinkedHashMap<>();
    private byte[] compressed = new byte[0];
    private byte[] data = new byte[0];
    private EntryState current;
    private int length;
    private Manifest manifest;

    private BackupReader(Path path, InputStream raw, BackupHeader header, ChunkSeal seal, ReadLimits limits)
            throws IOException {
        this.file = path.toString();
        this.limits = limits;
        this.size = Files.size(path);
        this.raw = raw;
        this.header = header;
        this.sealed = new SealedInputStream(raw, seal, header.chunkSize(), file, header.length());
        this.in = new DataInputStream(sealed);
    }

    /** The clear-text label of the backup {@code file}, without reading or checking its body. */
    public static BackupLabel label(Path file) {
        return label(file, FileType.BACKUP);
    }

    /** The clear-text label of {@code file}, of {@code type}, without reading or checking its body. */
    public static BackupLabel label(Path file, FileType type) {
        try (InputStream in = openFile(file, type)) {
            return BackupHeader.read(in, type, file.toString()).label();
        } catch (IOException e) {
            throw new BackupException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens {@code file}, deriving its key when it is encrypted: {@code password} is asked only then.
     */
    public static BackupReader open(Path file, PasswordSource password) {
        return open(file, FileType.BACKUP, password);
    }

    /** Opens {@code file}, of {@code type}, as {@link #open(Path, PasswordSource)} does a backup. */
    public static BackupReader open(Path file, FileType type, PasswordSource password) {
        return open(file, openFile(file, type), type, password);
    }

    /**
     * Opens the first {@code length} bytes of {@code file}, of {@code type}: for a file that carries
     * something after the format's end (a migration file, its signature).
     */
    public static BackupReader open(Path file, long length, FileType type, PasswordSource password) {
        return open(file, new BufferedInputStream(new Prefix(openFile(file, type), length), 1 << 16), type, password,
                ReadLimits.current());
    }

    /**
     * Opens {@code file}, of {@code type}, as {@link #open(Path, PasswordSource)} does a backup,
     * within {@code limits} rather than the process's.
     */
    public static BackupReader open(Path file, FileType type, PasswordSource password, ReadLimits limits) {
        return open(file, openFile(file, type), type, password, limits);
    }

    private static BackupReader open(Path file, InputStream in, FileType type, PasswordSource password) {
        return open(file, in, type, password, ReadLimits.current());
    }

    private static BackupReader open(Path file, InputStream in, FileType type, PasswordSource password,
                                     ReadLimits limits) {
        try {
            BackupHeader header = BackupHeader.read(in, type, file.toString());
            return new BackupReader(file, in, header, seal(file, header, password, limits), limits);
        } catch (IOException | RuntimeException e) {
            closeQuietly(in, e);
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new BackupException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static InputStream openFile(Path file, FileType type) {
        try {
            return new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        } catch (NoSuchFileException e) {
            throw new BackupException(type.noun() + " file not found: " + file);
        } catch (IOException e) {
            throw new BackupException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    /** The first bytes of a stream, as if it ended there. */
    private static final class Prefix extends FilterInputStream {

        private long left;

        Prefix(InputStream in, long length) {
            super(in);
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = super.read();
            left -= b < 0 ? 0 : 1;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            left -= Math.max(n, 0);
            return n;
        }
    }

    private static ChunkSeal seal(Path file, BackupHeader header, PasswordSource password, ReadLimits limits) {
        Encryption encryption = header.label().encryption();
        if (encryption == null) {
            return new DigestSeal(header.digest());
        }
        char[] secret = password.password();
        if (secret == null) {
            throw new BackupPasswordException(file + " is encrypted: give its password with --password-file FILE or at the prompt");
        }
        try {
            SecretKey key = KeyDerivation.open(secret, encryption, file.toString(), limits);
            return new GcmSeal(key, encryption.noncePrefix(), header.digest());
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    public BackupLabel label() {
        return header.label();
    }

    /** Bytes of the file read so far, and its size: for progress. */
    public long position() {
        return sealed.position();
    }

    public long size() {
        return size;
    }

    /** The next event, or null after the manifest, once every entry has matched it. */
    public Event next() {
        try {
            int tag = in.read();
            switch (tag) {
                case Records.OPEN:
                    return readOpen();
                case Records.BLOCK:
                    return readBlock();
                case Records.CLOSE:
                    return readClose();
                case Records.MANIFEST:
                    readManifest();
                    return null;
                case -1:
                    throw damaged("it ends without a manifest");
                default:
                    throw damaged("unknown record type " + tag + " before byte " + sealed.position());
            }
        } catch (EOFException e) {
            throw damaged("a record is cut short before byte " + sealed.position());
        } catch (IOException e) {
            throw new BackupException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads to the end, checking everything; the manifest of a sound backup. */
    public Manifest verify() {
        while (next() != null) {
            // every event is checked by next() itself
        }
        return manifest;
    }

    /** The entry of the last event. */
    public int id() {
        return current.id;
    }

    public EntryKind kind() {
        return current.kind;
    }

    public String name() {
        return current.name;
    }

    /** The bytes of the last DATA event: {@code data()[0, length())}, valid until the next call. */
    public byte[] data() {
        return data;
    }

    public int length() {
        return length;
    }

    /** The manifest, once {@link #next} has returned null. */
    public Manifest manifest() {
        if (manifest == null) {
            throw new IllegalStateException("the manifest is known only once the whole backup is read");
        }
        return manifest;
    }

    private Event readOpen() throws IOException {
        int id = in.readInt();
        int kindOrdinal = in.readUnsignedByte();
        byte[] nameBytes = new byte[in.readUnsignedShort()];
        in.readFully(nameBytes);
        if (kindOrdinal >= EntryKind.values().length) {
            throw damaged("entry " + id + " has unknown kind " + kindOrdinal);
        }
        EntryKind kind = EntryKind.values()[kindOrdinal];
        String name = new String(nameBytes, StandardCharsets.UTF_8);
        if (kind == EntryKind.FILE || kind == EntryKind.DIRECTORY) {
            StoragePaths.check(name, file);
        }
        if (open.containsKey(id) || completed.containsKey(key(kind, name))) {
            throw damaged("entry " + name + " appears twice");
        }
        current = new EntryState(id, kind, name);
        open.put(id, current);
        return Event.OPEN;
    }

    private Event readBlock() throws IOException {
        current = openEntry(in.readInt());
        int rawLength = in.readInt();
        int compressedLength = in.readInt();
        if (rawLength < 0 || compressedLength < 0 || compressedLength > size) {
            throw damaged("a block of entry " + current.name + " has an impossible length");
        }
        if (rawLength > limits.blockBytes() || compressedLength > limits.blockBytes()) {
            throw damaged("a block of entry " + current.name + " claims " + Math.max(rawLength, compressedLength)
                    + " bytes, more than the " + limits.blockBytes() + " a block may hold here "
                    + "(limits.backup-block-bytes); it was not read");
        }
        if (compressed.length < compressedLength) {
            compressed = new byte[compressedLength];
        }
        in.readFully(compressed, 0, compressedLength);
        if (data.length < rawLength) {
            data = new byte[rawLength];
        }
        try {
            length = zstd.decompressByteArray(data, 0, rawLength, compressed, 0, compressedLength);
        } catch (ZstdException e) {
            throw damaged("a block of entry " + current.name + " does not decompress: " + e.getMessage());
        }
        if (length != rawLength) {
            throw damaged("a block of entry " + current.name + " decompresses to " + length + " bytes, not " + rawLength);
        }
        current.add(data, length);
        return Event.DATA;
    }

    private Event readClose() throws IOException {
        current = openEntry(in.readInt());
        open.remove(current.id);
        Manifest.Entry entry = current.complete();
        completed.put(key(entry.kind(), entry.name()), entry);
        return Event.CLOSE;
    }

    private void readManifest() throws IOException {
        int jsonLength = in.readInt();
        if (jsonLength < 2 || jsonLength > limits.blockBytes()) {
            throw damaged("its manifest has an impossible length");
        }
        byte[] json = new byte[jsonLength];
        in.readFully(json);
        if (in.read() != -1) {
            throw damaged("records follow its manifest");
        }
        Manifest read;
        try {
            read = Json.MAPPER.readValue(json, Manifest.class);
        } catch (IOException e) {
            throw damaged("its manifest is not valid: " + e.getMessage());
        }
        if (!open.isEmpty()) {
            throw damaged("entry " + open.values().iterator().next().name + " is never completed");
        }
        if (!Objects.equals(read.release(), label().release()) || !Objects.equals(read.createdAt(), label().createdAt())) {
            throw damaged("its manifest and its header disagree about the release or the creation time");
        }
        Map<String, Manifest.Entry> unlisted = new LinkedHashMap<>(completed);
        for (Manifest.Entry listed : read.entries()) {
            Manifest.Entry found = unlisted.remove(key(listed.kind(), listed.name()));
            if (found == null) {
                throw damaged("entry " + listed.name() + " is listed in the manifest but missing");
            }
            if (!found.equals(listed)) {
                throw damaged("entry " + listed.name() + " does not match its checksum, size or row count in the manifest");
            }
        }
        if (!unlisted.isEmpty()) {
            throw damaged("entry " + unlisted.values().iterator().next().name() + " is not listed in the manifest");
        }
        manifest = read;
    }

    private EntryState openEntry(int id) {
        EntryState entry = open.get(id);
        if (entry == null) {
            throw damaged("a record refers to entry " + id + ", which is not open");
        }
        return entry;
    }

    private static String key(EntryKind kind, String name) {
        return kind + " " + name;
    }

    private InvalidBackupException damaged(String what) {
        return new InvalidBackupException(file + " is damaged: " + what);
    }

    @Override
    public void close() {
        zstd.close();
        closeQuietly(raw, null);
    }

    private static void closeQuietly(InputStream in, Exception failure) {
        try {
            in.close();
        } catch (IOException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            }
        }
    }

    /** What has been read of one entry. */
    private static final class EntryState {
        final int id;
        final EntryKind kind;
        final String name;
        final MessageDigest sha256 = Sha256.newDigest();
        long size;
        long rows;

        EntryState(int id, EntryKind kind, String name) {
            this.id = id;
            this.kind = kind;
            this.name = name;
        }

        void add(byte[] bytes, int length) {
            sha256.update(bytes, 0, length);
            size += length;
            if (kind == EntryKind.TABLE) {
                // COPY text ends each row with a newline and escapes those inside values.
                for (int i = 0; i < length; i++) {
                    if (bytes[i] == '\n') {
                        rows++;
                    }
                }
            }
        }

        Manifest.Entry complete() {
            return new Manifest.Entry(kind, name, size, kind == EntryKind.TABLE ? rows : null, Sha256.hex(sha256.digest()));
        }
    }
}
