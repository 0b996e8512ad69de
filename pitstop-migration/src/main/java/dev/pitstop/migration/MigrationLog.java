package dev.pitstop.migration;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.pitstop.backup.format.Json;
import dev.pitstop.db.Database;
import dev.pitstop.db.DbSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The log of migrations applied to a cluster, in the control schema's {@code migration_log}: the
 * steps with their durations, each table's row counts, the schema-changing statements, and the
 * backup taken before. A successful migration's entry is written in its own transaction, so the
 * two never disagree; a failed one's after the rollback.
 */
public final class MigrationLog {

    private static final String TABLE = "pitstop.migration_log";

    private MigrationLog() {
    }

    /**
     * @param backup  the backup taken before, or null
     * @param outcome {@code succeeded} or {@code failed}
     */
    public record Entry(long id, String file, String sourceRelease, String targetRelease, String backup,
                        Instant startedAt, Instant finishedAt, String outcome, String message, List<Step> steps,
                        List<Migrations.TableOutcome> tables, List<String> statements) {
    }

    public record Step(String name, long millis) {
    }

    static List<Entry> list(DbSettings db) {
        try (Connection c = Database.connect(db, MigrationWriter.APPLICATION_NAME); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, file, source_release, target_release, backup, started_at,"
                     + " finished_at, outcome, message, steps::text, tables::text, statements::text FROM " + TABLE
                     + " ORDER BY id DESC")) {
            List<Entry> entries = new ArrayList<>();
            while (rs.next()) {
                entries.add(new Entry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getTimestamp(6).toInstant(), rs.getTimestamp(7).toInstant(), rs.getString(8), rs.getString(9),
                        json(rs.getString(10), new TypeReference<>() { }), json(rs.getString(11), new TypeReference<>() { }),
                        json(rs.getString(12), new TypeReference<>() { })));
            }
            return entries;
        } catch (SQLException e) {
            throw new MigrationException("cannot read the migration log: " + e.getMessage(), e);
        }
    }

    static void record(Connection c, Entry entry) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + " (file, source_release, target_release,"
                + " backup, started_at, outcome, message, steps, tables, statements)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb)")) {
            ps.setString(1, entry.file());
            ps.setString(2, entry.sourceRelease());
            ps.setString(3, entry.targetRelease());
            ps.setString(4, entry.backup());
            ps.setTimestamp(5, Timestamp.from(entry.startedAt()));
            ps.setString(6, entry.outcome());
            ps.setString(7, entry.message());
            ps.setString(8, toJson(entry.steps()));
            ps.setString(9, toJson(entry.tables()));
            ps.setString(10, toJson(entry.statements()));
            ps.execute();
        }
    }

    /** Collects a run's steps, timings, statements and table outcomes as it goes. */
    static final class Recorder {

        /** A step's work. */
        interface Work {
            void run() throws SQLException;
        }

        private final List<Step> steps = new ArrayList<>();
        private List<String> statements = List.of();
        private List<Migrations.TableOutcome> tables = List.of();

        void step(String name, Work work) throws SQLException {
            long start = System.nanoTime();
            work.run();
            steps.add(new Step(name, (System.nanoTime() - start) / 1_000_000));
        }

        void statements(List<String> ran) {
            statements = List.copyOf(ran);
        }

        void tables(Collection<Migrations.TableOutcome> outcomes) {
            tables = List.copyOf(outcomes);
        }

        Entry entry(MigrationFile file, String targetRelease, String backup, Instant startedAt, String outcome,
                    String message) {
            return new Entry(0, file.name(), file.manifest().release(), targetRelease, backup, startedAt, Instant.now(),
                    outcome, message, List.copyOf(steps), tables, statements);
        }
    }

    private static String toJson(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T json(String text, TypeReference<T> type) {
        try {
            return Json.MAPPER.readValue(text, type);
        } catch (IOException e) {
            throw new MigrationException("the migration log holds an entry that is not valid JSON: " + e.getMessage(), e);
        }
    }
}
