package dev.pitstop.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.db.DbSettings;
import dev.pitstop.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every table of a backup is read in one snapshot, even by parallel workers, while others write. */
class ConsistencyTest {

    @TempDir
    Path dir;

    @Test
    void tablesWrittenInOneTransactionEachHoldTheSameTransactionsAfterRestore() throws Exception {
        DbSettings db = TestDatabase.create();
        // Padding makes each table take a while to read, so the writer commits between the two reads.
        TestDatabase.execute(db, """
                CREATE SCHEMA app;
                CREATE TABLE app.debits (id bigserial PRIMARY KEY, tx bigint NOT NULL, padding text);
                CREATE TABLE app.credits (id bigserial PRIMARY KEY, tx bigint NOT NULL, padding text);
                INSERT INTO app.debits (tx, padding) SELECT -g, repeat('d', 200) FROM generate_series(1, 150000) g;
                INSERT INTO app.credits (tx, padding) SELECT -g, repeat('c', 200) FROM generate_series(1, 150000) g;
                """);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong committed = new AtomicLong();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> write(db, stop, committed));
        while (committed.get() < 20) {
            Thread.sleep(5);
        }

        BackupResult backup = Backups.create(db, dir.resolve("b.backup"), BackupOptions.defaults().withWorkers(2));
        long committedAfterBackup = committed.get();
        Thread.sleep(100);
        stop.set(true);
        writer.get();

        DbSettings restored = TestDatabase.create();
        Backups.restore(restored, backup.file(), RestoreOptions.forRelease("1.0.0"));
        long transactions = TestDatabase.count(restored, "SELECT count(*) FROM app.debits WHERE tx > 0");
        assertThat(transactions).isPositive().isLessThan(committedAfterBackup);
        assertThat(TestDatabase.count(restored, "SELECT count(*) FROM (SELECT tx FROM app.debits EXCEPT SELECT tx FROM app.credits"
                + " UNION ALL SELECT tx FROM app.credits EXCEPT SELECT tx FROM app.debits) d")).isZero();
        assertThat(TestDatabase.count(restored, "SELECT count(*) FROM app.credits WHERE tx > 0")).isEqualTo(transactions);
    }

    /** Inserts transaction n into both tables, in one transaction, for n = 1, 2, ... until told to stop. */
    private static void write(DbSettings db, AtomicBoolean stop, AtomicLong committed) {
        try (Connection c = TestDatabase.connect(db);
             PreparedStatement debit = c.prepareStatement("INSERT INTO app.debits (tx) VALUES (?)");
             PreparedStatement credit = c.prepareStatement("INSERT INTO app.credits (tx) VALUES (?)")) {
            c.setAutoCommit(false);
            for (long tx = 1; !stop.get(); tx++) {
                debit.setLong(1, tx);
                debit.executeUpdate();
                credit.setLong(1, tx);
                credit.executeUpdate();
                c.commit();
                committed.set(tx);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
