package dev.pitstop.backup.format;

import dev.pitstop.backup.InvalidBackupException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The clear-text start of a backup file:
 * <pre>
 *   magic          8 bytes  89 50 42 4B 0D 0A 1A 0A  ("\x89PBK\r\n\x1a\n"); another per {@link FileType}
 *   format version u16      1
 *   chunk size     u32      bytes of body in every chunk but the last
 *   label length   u32
 *   label          JSON     {@link BackupLabel}
 *   digest         32 bytes SHA-256 of everything above
 * </pre>
 * The magic's high byte and line endings, as in PNG, make a file mangled by a text-mode transfer
 * fail at once. The digest tells a damaged header from a wrong password, and is bound into every
 * chunk's seal.
 */
public record BackupHeader(int chunkSize, BackupLabel label, byte[] digest, int length) {

    public static final int FORMAT_VERSION = 1;

    private static final int MAX_LABEL_BYTES = 64 * 1024;
    private static final int MAX_CHUNK_SIZE = 64 * 1024 * 1024;

    /** Writes a backup's header and returns it with its digest. */
    public static BackupHeader write(OutputStream out, int chunkSize, BackupLabel label) throws IOException {
        return write(out, FileType.BACKUP, chunkSize, label);
    }

    /** Writes the header of a file of {@code type} and returns it with its digest. */
    public static BackupHeader write(OutputStream out, FileType type, int chunkSize, BackupLabel label) throws IOException {
        byte[] json = Json.MAPPER.writeValueAsBytes(label);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(bytes);
        data.write(type.magic());
        data.writeShort(FORMAT_VERSION);
        data.writeInt(chunkSize);
        data.writeInt(json.length);
        data.write(json);
        byte[] digest = Sha256.newDigest().digest(bytes.toByteArray());
        data.write(digest);
        out.write(bytes.toByteArray());
        return new BackupHeader(chunkSize, label, digest, bytes.size());
    }

    /** Reads and checks a backup's header; {@code file} names the file in errors. */
    public static BackupHeader read(InputStream in, String file) throws IOException {
        return read(in, FileType.BACKUP, file);
    }

    /** Reads and checks the header of a file of {@code type}; {@code file} names the file in errors. */
    public static BackupHeader read(InputStream in, FileType type, String file) throws IOException {
        MessageDigest sha256 = Sha256.newDigest();
        DataInputStream data = new DataInputStream(in);
        try {
            byte[] magic = new byte[type.magic().length];
            data.readFully(magic);
            if (!Arrays.equals(magic, type.magic())) {
                throw notA(type, file);
            }
            int version = data.readUnsignedShort();
            if (version != FORMAT_VERSION) {
                throw new InvalidBackupException(file + " is in backup format " + version + "; this build reads format "
                        + FORMAT_VERSION + ": use the Pitstop release that made it, or a newer one");
            }
            int chunkSize = data.readInt();
            int labelLength = data.readInt();
            if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE || labelLength < 2 || labelLength > MAX_LABEL_BYTES) {
                throw damaged(file);
            }
            byte[] json = new byte[labelLength];
            data.readFully(json);
            byte[] digest = new byte[32];
            data.readFully(digest);
            ByteArrayOutputStream covered = new ByteArrayOutputStream();
            DataOutputStream coveredData = new DataOutputStream(covered);
            coveredData.write(magic);
            coveredData.writeShort(version);
            coveredData.writeInt(chunkSize);
            coveredData.writeInt(labelLength);
            coveredData.write(json);
            if (!MessageDigest.isEqual(digest, sha256.digest(covered.toByteArray()))) {
                throw damaged(file);
            }
            BackupLabel label;
            try {
                label = Json.MAPPER.readValue(json, BackupLabel.class);
            } catch (IOException e) {
                throw damaged(file);
            }
            return new BackupHeader(chunkSize, label, digest, covered.size() + digest.length);
        } catch (EOFException e) {
            throw new InvalidBackupException(file + " is not a Pitstop " + type.noun() + ", or is truncated: it ends inside the header");
        }
    }

    private static InvalidBackupException notA(FileType type, String file) {
        return new InvalidBackupException(file + " is not a Pitstop " + type.noun() + ": it does not start with the " + type.noun()
                + " signature");
    }

    private static InvalidBackupException damaged(String file) {
        return new InvalidBackupException(file + " is damaged: its header does not match its checksum");
    }
}
