package dev.pitstop.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.pitstop.backup.format.BackupHeader;
import dev.pitstop.backup.format.BackupReader;
import dev.pitstop.backup.format.FileType;
import dev.pitstop.backup.format.KeyDerivation;
import dev.pitstop.backup.format.ReadLimits;
import dev.pitstop.db.DbSettings;
import dev.pitstop.testing.TestDatabase;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Random;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every bad input gets a clear error from verify and a refusal from restore, and leaves the
 * database and the storage directory as they were.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {

    private static final PasswordSource PASSWORD = PasswordSource.of("s3cret".toCharArray());

    @TempDir
    static Path dir;
    private DbSettings db;
    private Path storage;
    private Path plain;
    private Path encrypted;
    private Fingerprint before;

    @BeforeAll
    void backUp() throws IOException {
        db = TestDatabase.create();
        SampleApp.create(db);
        storage = dir.resolve("storage");
        SampleApp.storage(storage);
        plain = Backups.create(db, dir.resolve("plain.backup"), BackupOptions.defaults().withStorage(storage)).file();
        encrypted = Backups.create(db, dir.resolve("encrypted.backup"),
                BackupOptions.defaults().withStorage(storage).withPassword(PASSWORD)).file();
        // What a refused restore must leave: not what the backups hold.
        TestDatabase.execute(db, "INSERT INTO app.customers (code, name) VALUES ('ZZZ9', 'after the backup')");
        Files.writeString(storage.resolve("after.txt"), "after the backup");
        before = Fingerprint.of(db, storage);
    }

    @ParameterizedTest(name = "truncated to {0} bytes before the end")
    @ValueSource(longs = {1, 16, 32, 33, 1000, 1_000_000, 3_000_000})
    void truncatedFileIsRefused(long cut) throws IOException {
        Path file = copy(plain);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() - cut);
        }
        assertRefused(file, PasswordSource.NONE).hasMessageContainingAll(file.toString(), "truncated");
    }

    @Test
    void fileCutAtAChunkBoundaryIsRefused() throws IOException {
        Path file = copy(plain);
        long bodyStart = headerLength(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(bodyStart + 2 * ((1 << 20) + 32));
        }
        assertRefused(file, PasswordSource.NONE).hasMessageContainingAll("truncated", "before the end of the backup");
    }

    @ParameterizedTest(name = "bit flipped at {0} of the plain backup")
    @ValueSource(strings = {"0", "7", "9", "40", "header end", "middle", "last", "random"})
    void flippedBitInPlainBackupIsRefused(String where) throws IOException {
        Path file = flipBit(copy(plain), where);
        assertRefused(file, PasswordSource.NONE).hasMessageContaining(file.toString());
    }

    @ParameterizedTest(name = "bit flipped at {0} of the encrypted backup")
    @ValueSource(strings = {"0", "40", "header end", "middle", "last", "random"})
    void flippedBitInEncryptedBackupIsRefused(String where) throws IOException {
        Path file = flipBit(copy(encrypted), where);
        assertRefused(file, PASSWORD).hasMessageContaining(file.toString());
    }

    @Test
    void wrongPasswordIsRefused() {
        assertRefused(encrypted, PasswordSource.of("guess".toCharArray()))
                .isInstanceOf(BackupPasswordException.class)
                .hasMessageContaining("the password does not open " + encrypted);
    }

    @Test
    void missingPasswordIsRefused() {
        assertRefused(encrypted, PasswordSource.NONE)
                .isInstanceOf(BackupPasswordException.class)
                .hasMessageContainingAll(encrypted + " is encrypted", "--password-file");
    }

    @Test
    void backupFromANewerReleaseIsRefusedWithoutAskingForThePassword() {
        Path file = Backups.create(db, dir.resolve("newer.backup"),
                BackupOptions.defaults().withRelease("9.1.0").withPassword(PASSWORD)).file();
        PasswordSource mustNotBeAsked = () -> {
            throw new AssertionError("the password was asked for");
        };
        assertThat(Backups.verify(file, PASSWORD).release()).isEqualTo("9.1.0");
        assertThatThrownBy(() -> Backups.restore(db, file, RestoreOptions.forRelease("1.0.0")
                .withStorage(storage).withPassword(mustNotBeAsked)))
                .isInstanceOf(RestoreRefusedException.class)
                .hasMessageContainingAll("made by release 9.1.0", "newer than the running release 1.0.0", "nothing was changed");
        assertUnchanged();
    }

    @ParameterizedTest(name = "storage entry {0}")
    @ValueSource(strings = {"../escaped.txt", "/etc/escaped", "a/../../escaped.txt", "a//b", "./a"})
    void storageEntryOutsideTheStorageDirectoryIsRefused(String name) throws IOException {
        Path file = CraftedBackup.withStorageFiles(dir.resolve("crafted.backup"), "fine.txt", name);
        try {
            assertRefused(file, PasswordSource.NONE).hasMessageContainingAll("\"" + name + "\"", "not inside the storage directory");
            assertThat(dir.resolve("escaped.txt")).doesNotExist();
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void craftedFileWithSafeNamesRestores() throws IOException {
        // The crafted files are sound apart from what each test breaks.
        Path file = CraftedBackup.withStorageFiles(dir.resolve("sound.backup"), "fine.txt", "sub/dir/file.txt");
        assertThat(Backups.verify(file, PasswordSource.NONE).entries()).hasSize(3);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"empty", "short", "text", "zip", "random"})
    void fileThatIsNotABackupIsRefused(String kind) throws IOException {
        Path file = dir.resolve(kind + ".bin");
        byte[] content = switch (kind) {
            case "empty" -> new byte[0];
            case "short" -> new byte[] {(byte) 0x89, 'P'};
            case "text" -> "name,price\nwidget,3\n".repeat(100).getBytes();
            case "zip" -> new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0, 0, 0, 0, 0};
            default -> new Random(1).ints(5000).collect(StringBuilder::new, StringBuilder::append, StringBuilder::append)
                    .toString().getBytes();
        };
        Files.write(file, content);
        assertRefused(file, PasswordSource.NONE).hasMessageContainingAll(file.toString(), "is not a Pitstop backup");
    }

    @Test
    void aBlockClaimingAGigabyteIsRefusedWithoutAllocatingIt() throws IOException {
        Path file = CraftedBackup.withBlockClaiming(dir.resolve("gigabyte.backup"), 1 << 30);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();

        assertThatThrownBy(() -> Backups.verify(file, PasswordSource.NONE))
                .isInstanceOf(InvalidBackupException.class)
                .hasMessageContaining("a block of entry claims-a-gigabyte.bin claims 1073741824 bytes, more than the "
                        + "268435456 a block may hold here (limits.backup-block-bytes); it was not read");
        assertThat(threads.getCurrentThreadAllocatedBytes() - before).as("bytes allocated").isLessThan(64L << 20);
    }

    @Test
    void aBlockOverTheConfiguredLimitIsRefusedWithoutAllocatingIt() throws IOException {
        Path file = CraftedBackup.withBlockClaiming(dir.resolve("sixty-four-mib.backup"), 64 << 20);
        ReadLimits limits = ReadLimits.of(16L << 20, null, null, null);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();

        assertThatThrownBy(() -> {
            try (BackupReader reader = BackupReader.open(file, FileType.BACKUP, PasswordSource.NONE, limits)) {
                reader.verify();
            }
        }).isInstanceOf(InvalidBackupException.class).hasMessageContaining("claims 67108864 bytes, more than the "
                + "16777216 a block may hold here (limits.backup-block-bytes); it was not read");
        assertThat(threads.getCurrentThreadAllocatedBytes() - before).as("bytes allocated").isLessThan(16L << 20);
    }

    @Test
    void keyDerivationCostsOverTheConfiguredLimitAreRefusedBeforeDeriving() {
        Path costly = Backups.create(db, dir.resolve("costly.backup"), BackupOptions.defaults().withPassword(PASSWORD)
                .withKdfCost(new KeyDerivation.Cost(64 * 1024, 4, 4))).file();
        ReadLimits limits = ReadLimits.of(null, null, 3, null);

        assertThatThrownBy(() -> BackupReader.open(costly, FileType.BACKUP, PASSWORD, limits).close())
                .isInstanceOf(InvalidBackupException.class)
                .hasMessage(costly + " asks for key derivation costs of 65536 KiB, 4 passes and 4 lanes, over this "
                        + "process's limits (262144 KiB, 3, 16): it was refused before deriving. If the file is genuine,"
                        + " raise limits.backup-kdf-memory-kib, -iterations or -parallelism in pitstop.yml");
        assertThat(Backups.verify(costly, PASSWORD).entries()).as("within the default limits").isNotEmpty();
    }

    @Test
    void limitsThatWouldRefusePitstopsOwnBackupsAreInvalid() {
        assertThatThrownBy(() -> ReadLimits.of(1L << 20, null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 4194304 (4 MiB)");
        assertThatThrownBy(() -> ReadLimits.of(null, 1024, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 65536, 3 and 4");
    }

    @Test
    void missingFileIsAClearError() {
        Path file = dir.resolve("nowhere.backup");
        assertThatThrownBy(() -> Backups.verify(file, PasswordSource.NONE))
                .isInstanceOf(BackupException.class).hasMessage("backup file not found: " + file);
    }

    @Test
    void databaseWithAnotherEncodingIsRefused() {
        DbSettings latin1 = TestDatabase.create("ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
        TestDatabase.execute(latin1, "CREATE SCHEMA app; CREATE TABLE app.t (x int); INSERT INTO app.t VALUES (1)");
        Fingerprint latin1Before = Fingerprint.of(latin1, null);
        assertThatThrownBy(() -> Backups.restore(latin1, plain, RestoreOptions.forRelease("1.0.0")))
                .isInstanceOf(RestoreRefusedException.class)
                .hasMessageContainingAll("encoded in UTF8", "this one in LATIN1", "ENCODING 'UTF8'");
        assertThat(Fingerprint.of(latin1, null)).isEqualTo(latin1Before);
    }

    /** Verify fails with an InvalidBackupException; restore refuses with it as the cause and changes nothing. */
    private AbstractThrowableAssert<?, ? extends Throwable> assertRefused(Path file, PasswordSource password) {
        Throwable verifyError = catchThrowable(() -> Backups.verify(file, password));
        assertThat(verifyError).isInstanceOf(InvalidBackupException.class);
        assertThatThrownBy(() -> Backups.restore(db, file, RestoreOptions.forRelease("1.0.0")
                .withStorage(storage).withPassword(password)))
                .isInstanceOf(RestoreRefusedException.class)
                .hasMessageContaining("nothing was changed")
                .hasMessageContaining(verifyError.getMessage())
                .hasCauseInstanceOf(verifyError.getClass());
        assertUnchanged();
        return assertThat(verifyError);
    }

    private void assertUnchanged() {
        assertThat(Fingerprint.of(db, storage).differences(before)).isEmpty();
        assertThat(dir.toFile().list()).noneMatch(name -> name.startsWith(".storage."));
    }

    private Path copy(Path file) throws IOException {
        return Files.copy(file, dir.resolve("damaged-" + file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }

    private static long headerLength(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            return BackupHeader.read(in, file.toString()).length();
        }
    }

    private static Path flipBit(Path file, String where) throws IOException {
        long size = Files.size(file);
        long position = switch (where) {
            case "header end" -> headerLength(file) - 1;
            case "middle" -> size / 2;
            case "last" -> size - 1;
            case "random" -> new Random(7).nextLong(headerLength(file), size);
            default -> Long.parseLong(where);
        };
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(position);
            int b = raf.read();
            raf.seek(position);
            raf.write(b ^ 0x10);
        }
        return file;
    }
}
