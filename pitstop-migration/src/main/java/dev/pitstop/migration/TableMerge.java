package dev.pitstop.migration;

import dev.pitstop.backup.schema.Definitions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Moves one table's rows by its rule. The migration's rows are first loaded into a temporary
 * staging table of the target's column types; set-based statements then compare and merge, so
 * that every count is exact and an unchanged row is not touched:
 * <ul>
 *   <li>{@code overwrite} — target rows whose key the source lacks are deleted, rows that differ
 *       updated, new keys inserted (without a key: all rows deleted, the source's inserted);</li>
 *   <li>{@code upsert} — rows that differ updated, new keys inserted;</li>
 *   <li>{@code insert-ignore} — new keys inserted.</li>
 * </ul>
 * Rows are compared by their text form, which every type has, so that columns without an equality
 * operator ({@code json}) compare too.
 */
final class TableMerge {

    private final Connection c;
    private final MigrationPlan.PlannedTable table;
    /** The table's name, quoted: names come from the file, and are put in statements only as names. */
    private final String target;
    private final List<String> columns;
    private final List<String> key;
    private final String stage;

    private TableMerge(Connection c, MigrationPlan.PlannedTable table, List<String> columns, List<String> key, String stage) {
        this.c = c;
        this.table = table;
        this.target = SqlNames.quoted(table.name());
        this.columns = columns.stream().map(SqlNames::quoted).toList();
        this.key = key.stream().map(SqlNames::quoted).toList();
        this.stage = stage;
    }

    /**
     * Creates the staging table of {@code table}'s {@code columns}; {@code key} is the key rows are
     * matched by, empty when they cannot be.
     *
     * @throws IllegalArgumentException when a name is not a name
     */
    static TableMerge stage(Connection c, MigrationPlan.PlannedTable table, List<String> columns, List<String> key,
                            int number) throws SQLException {
        TableMerge merge = new TableMerge(c, table, columns, key, "pg_temp.migration_stage_" + number);
        execute(c, "CREATE TEMPORARY TABLE " + merge.stage.substring("pg_temp.".length()) + " ON COMMIT DROP AS SELECT "
                + String.join(", ", merge.columns) + " FROM " + merge.target + " WITH NO DATA");
        return merge;
    }

    /** Where the table's rows are loaded with COPY. */
    Definitions.Table stagingTable() {
        return new Definitions.Table(stage, columns);
    }

    /** Applies the rule; the counts of what changed. */
    Migrations.TableOutcome merge() throws SQLException {
        long deleted = 0;
        long updated = 0;
        if (table.rule() == Rule.OVERWRITE) {
            deleted = update(key.isEmpty() ? "DELETE FROM " + target
                    : "DELETE FROM " + target + " t WHERE NOT EXISTS (SELECT 1 FROM " + stage + " s WHERE "
                    + keyMatch() + ")");
        }
        List<String> others = columns.stream().filter(column -> !key.contains(column)).toList();
        if (!key.isEmpty() && table.rule() != Rule.INSERT_IGNORE && !others.isEmpty()) {
            updated = update("UPDATE " + target + " t SET " + others.stream().map(col -> col + " = s." + col)
                    .collect(Collectors.joining(", ")) + " FROM " + stage + " s WHERE " + keyMatch() + " AND "
                    + rowText("t") + " IS DISTINCT FROM " + rowText("s"));
        }
        long inserted = update("INSERT INTO " + target + " (" + String.join(", ", columns)
                + ") OVERRIDING SYSTEM VALUE SELECT " + qualified("s") + " FROM " + stage + " s"
                + (key.isEmpty() ? "" : " WHERE NOT EXISTS (SELECT 1 FROM " + target + " t WHERE " + keyMatch() + ")"));
        return new Migrations.TableOutcome(table.name(), table.rule(), null, inserted, updated, deleted);
    }

    /**
     * Checks, before the commit, that the target holds what the rule promises: after
     * {@code overwrite} exactly the migration's rows, after {@code upsert} every one of them, after
     * {@code insert-ignore} every key. A trigger of the target that changed them would fail it.
     *
     * @return why it does not, or null
     */
    String verify() throws SQLException {
        String sourceRows = "SELECT " + rowText("s") + " FROM " + stage + " s";
        String targetRows = "SELECT " + rowText("t") + " FROM " + target + " t";
        String missing = switch (table.rule()) {
            case INSERT_IGNORE -> "SELECT count(*) FROM " + stage + " s WHERE NOT EXISTS (SELECT 1 FROM " + target
                    + " t WHERE " + keyMatch() + ")";
            default -> "SELECT count(*) FROM (" + sourceRows + " EXCEPT ALL " + targetRows + ") x";
        };
        long absent = count(missing);
        long extra = table.rule() == Rule.OVERWRITE
                ? count("SELECT count(*) FROM (" + targetRows + " EXCEPT ALL " + sourceRows + ") x") : 0;
        if (absent == 0 && extra == 0) {
            return null;
        }
        return table.name() + " does not hold the migration's rows after " + table.rule().label() + " (" + absent
                + " missing" + (extra > 0 ? ", " + extra + " not in the migration" : "") + "): a trigger or rule of "
                + "the target changes them";
    }

    /**
     * Moves the table's sequences past the keys just inserted: the rows came with their ids, so
     * the sequences did not advance. Sequences are not transactional, so this runs last before the commit.
     */
    void advanceSequences() throws SQLException {
        for (String column : columns) {
            String sequence = queryString("SELECT pg_get_serial_sequence('" + target.replace("'", "''") + "', '"
                    + SqlNames.unquoted(column).replace("'", "''") + "')");
            if (sequence != null) {
                queryString("SELECT pg_catalog.setval('" + sequence.replace("'", "''") + "', m) FROM (SELECT max(" + column
                        + ")::bigint AS m FROM " + target + ") x, " + sequence + " q"
                        + " WHERE m > q.last_value OR (m = q.last_value AND NOT q.is_called)");
            }
        }
    }

    private String keyMatch() {
        return key.stream().map(column -> "t." + column + " = s." + column).collect(Collectors.joining(" AND "));
    }

    private String rowText(String alias) {
        return "ROW(" + qualified(alias) + ")::text";
    }

    private String qualified(String alias) {
        return columns.stream().map(column -> alias + "." + column).collect(Collectors.joining(", "));
    }

    private long update(String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            return st.executeLargeUpdate(sql);
        }
    }

    private long count(String sql) throws SQLException {
        return Long.parseLong(queryString(sql));
    }

    private String queryString(String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
