package dev.pitstop.backup.schema;

import java.util.List;

/**
 * The application schemas' definitions, as the statements that recreate them in an empty database,
 * in the order a restore runs them: {@code beforeData} makes the schemas, types, sequences, tables,
 * functions, defaults and views; the rows are loaded; {@code afterData} adds constraints, indexes,
 * foreign keys and triggers — building them once over the loaded rows is much faster than keeping
 * them up to date row by row — and sets the sequences.
 *
 * <p>Every name in the statements is schema-qualified, so they mean the same under any search path.
 * Owners and privileges are not carried: the restored objects belong to the user who restores, as
 * with {@code pg_dump --no-owner --no-privileges}.
 */
public record Definitions(List<String> schemas, List<Table> tables, List<Ddl> beforeData, List<Ddl> afterData) {

    /**
     * A table whose rows the backup carries.
     *
     * @param name    quoted, schema-qualified
     * @param columns quoted; generated columns are left out, they are computed again on load
     */
    public record Table(String name, List<String> columns) {

        public String copyTo() {
            return "COPY " + name + columnList() + " TO STDOUT";
        }

        public String copyFrom() {
            return "COPY " + name + columnList() + " FROM STDIN";
        }

        /** Empty for a table without stored columns, whose rows COPY writes as empty lines. */
        private String columnList() {
            return columns.isEmpty() ? "" : " (" + String.join(", ", columns) + ")";
        }
    }

    /**
     * One statement.
     *
     * @param kind   what it makes, like "index", for errors
     * @param object the object's name, for errors
     */
    public record Ddl(String kind, String object, String sql) {
    }
}
