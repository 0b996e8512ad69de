package dev.pitstop.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The procedure journal in the control schema: procedures and each run of their steps, written
 * before and after every step, so that whoever comes after a crashed operator knows exactly where
 * the procedure stopped. Writers hold the procedure lock; readers (status, history) need not.
 * Every write is announced on {@link #CHANNEL}, after it committed, so that watchers (the console)
 * re-read the journal instead of polling it.
 */
public final class ProcedureJournal {

    /** Notified after every change of a procedure or of one of its steps. */
    public static final String CHANNEL = "pitstop_procedures";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROCEDURE_COLUMNS =
            "id, kind, state, rolling_back, params, actor, origin, started_at, ended_at, message";

    private final DataSource dataSource;

    public ProcedureJournal(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Records a new running procedure, {@code params} as a JSON object, and returns its id. */
    public long begin(String kind, Record params, String actor, String origin) {
        return announced(Sql.query(dataSource, "INSERT INTO pitstop.procedures (kind, params, actor, origin)"
                + " VALUES (?, ?, ?, ?) RETURNING id", rs -> rs.getLong(1), kind, toJson(params), actor, origin));
    }

    /** Records that a step starts, before it runs; returns the id of this run of the step. */
    public long stepStarted(long procedureId, int position, boolean rollback, String name) {
        return announced(Sql.query(dataSource, "INSERT INTO pitstop.procedure_steps (procedure_id, position,"
                        + " rollback, name, state) VALUES (?, ?, ?, ?, 'running') RETURNING id", rs -> rs.getLong(1),
                procedureId, position, rollback, name));
    }

    /** Records how a run of a step ended: done, failed (with the cause), or paused. */
    public void stepEnded(long stepId, StepState state, String message) {
        Sql.updateAndNotify(dataSource, CHANNEL, "UPDATE pitstop.procedure_steps SET state = ?, message = ?,"
                + " ended_at = now() WHERE id = ?", state.label(), message, stepId);
    }

    /** Records a new state of the procedure; a final state records its end time as well. */
    public void setState(long procedureId, ProcedureState state, String message) {
        Sql.updateAndNotify(dataSource, CHANNEL, "UPDATE pitstop.procedures SET state = ?, message = ?,"
                        + " ended_at = CASE WHEN ? THEN now() END WHERE id = ?",
                state.label(), message, !state.open(), procedureId);
    }

    /** Records that the procedure now rolls back: from here on, resuming it continues the rollback. */
    public void rollbackStarted(long procedureId) {
        Sql.updateAndNotify(dataSource, CHANNEL, "UPDATE pitstop.procedures SET state = 'running',"
                + " rolling_back = true, message = NULL WHERE id = ?", procedureId);
    }

    /** The procedure that has not ended yet (running, paused or failed), if there is one: there is at most one. */
    public Optional<ProcedureRecord> open() {
        return withSteps(Sql.list(dataSource, "SELECT " + PROCEDURE_COLUMNS + " FROM pitstop.procedures"
                + " WHERE state IN ('running', 'paused', 'failed')", ProcedureJournal::procedure)).stream().findFirst();
    }

    /** The newest procedure of {@code kind} that ended in {@code state}, if any. */
    public Optional<ProcedureRecord> last(String kind, ProcedureState state) {
        return withSteps(Sql.list(dataSource, "SELECT " + PROCEDURE_COLUMNS + " FROM pitstop.procedures"
                        + " WHERE kind = ? AND state = ? ORDER BY id DESC LIMIT 1", ProcedureJournal::procedure,
                kind, state.label())).stream().findFirst();
    }

    /** The newest procedures first, each with its steps. */
    public List<ProcedureRecord> latest(int limit) {
        return latest(Filter.ANY, limit);
    }

    /**
     * Which procedures a history shows; a null component matches any.
     *
     * @param kind  a procedure kind's label
     * @param from  the earliest start, inclusive
     * @param until the latest start, exclusive
     */
    public record Filter(String kind, ProcedureState state, Instant from, Instant until) {

        public static final Filter ANY = new Filter(null, null, null, null);
    }

    /** The newest {@code limit} procedures that {@code filter} matches, with their steps, newest first. */
    public List<ProcedureRecord> latest(Filter filter, int limit) {
        String state = filter.state() == null ? null : filter.state().label();
        OffsetDateTime from = filter.from() == null ? null : filter.from().atOffset(ZoneOffset.UTC);
        OffsetDateTime until = filter.until() == null ? null : filter.until().atOffset(ZoneOffset.UTC);
        return withSteps(Sql.list(dataSource, "SELECT " + PROCEDURE_COLUMNS + " FROM pitstop.procedures"
                        + " WHERE (?::text IS NULL OR kind = ?) AND (?::text IS NULL OR state = ?)"
                        + " AND (?::timestamptz IS NULL OR started_at >= ?) AND (?::timestamptz IS NULL OR started_at < ?)"
                        + " ORDER BY id DESC LIMIT ?", ProcedureJournal::procedure, filter.kind(), filter.kind(),
                state, state, from, from, until, until, limit));
    }

    /** Announces a row just inserted: an INSERT ... RETURNING cannot carry the notification in its own statement. */
    private long announced(long id) {
        Sql.query(dataSource, "SELECT pg_notify(?, 'changed')", rs -> Boolean.TRUE, CHANNEL);
        return id;
    }

    /**
     * How many procedures ended, by kind and final state, and how long they took together.
     *
     * @param seconds the sum of their durations, start to end
     */
    public record Outcomes(String kind, ProcedureState state, long count, double seconds) {
    }

    /** The procedures that ended, counted by kind and final state: for the cluster's metrics. */
    public List<Outcomes> outcomes() {
        return Sql.list(dataSource, "SELECT kind, state, count(*), sum(extract(epoch FROM ended_at - started_at))"
                        + " FROM pitstop.procedures WHERE ended_at IS NOT NULL GROUP BY kind, state ORDER BY kind, state",
                rs -> new Outcomes(rs.getString(1), ProcedureState.of(rs.getString(2)), rs.getLong(3),
                        rs.getDouble(4)));
    }

    /** The newest procedure of each kind, with its steps. */
    public List<ProcedureRecord> latestOfEachKind() {
        return withSteps(Sql.list(dataSource, "SELECT DISTINCT ON (kind) " + PROCEDURE_COLUMNS
                + " FROM pitstop.procedures ORDER BY kind, id DESC", ProcedureJournal::procedure));
    }

    private List<ProcedureRecord> withSteps(List<ProcedureRecord> procedures) {
        List<ProcedureRecord> complete = new ArrayList<>();
        for (ProcedureRecord p : procedures) {
            List<ProcedureRecord.StepRecord> steps = Sql.list(dataSource, "SELECT id, position, rollback, name, state,"
                            + " started_at, ended_at, message FROM pitstop.procedure_steps WHERE procedure_id = ?"
                            + " ORDER BY id", ProcedureJournal::step, p.id());
            complete.add(new ProcedureRecord(p.id(), p.kind(), p.state(), p.rollingBack(), p.params(), p.actor(),
                    p.origin(), p.startedAt(), p.endedAt(), p.message(), steps));
        }
        return complete;
    }

    private static ProcedureRecord procedure(ResultSet rs) throws SQLException {
        return new ProcedureRecord(rs.getLong(1), rs.getString(2), ProcedureState.of(rs.getString(3)),
                rs.getBoolean(4), fromJson(rs.getString(5)), rs.getString(6), rs.getString(7),
                instant(rs.getTimestamp(8)), instant(rs.getTimestamp(9)), rs.getString(10), List.of());
    }

    private static ProcedureRecord.StepRecord step(ResultSet rs) throws SQLException {
        return new ProcedureRecord.StepRecord(rs.getLong(1), rs.getInt(2), rs.getBoolean(3), rs.getString(4),
                StepState.of(rs.getString(5)), instant(rs.getTimestamp(6)), instant(rs.getTimestamp(7)),
                rs.getString(8));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static String toJson(Record params) {
        try {
            return JSON.writeValueAsString(params);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("procedure parameters cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    private static JsonNode fromJson(String json) throws SQLException {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new SQLException("procedure parameters are not JSON: " + json, e);
        }
    }
}
