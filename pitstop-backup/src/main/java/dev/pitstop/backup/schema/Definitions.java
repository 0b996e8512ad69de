package dev.pitstop.backup.schema;

import java.util.List;

/**
 * The application schemas' definitions, as the statements that recreate them in an empty database,
 * in the order a restore runs them: {@code beforeData} makes the schemas, extensions, types,
 * functions, sequences, tables and views; the rows are loaded; {@code afterData} adds keys,
 * indexes, foreign keys, rules, triggers, policies, comments, owners and privileges, sets the
 * sequences and fills the materialized views. The order follows the dependencies PostgreSQL
 * records in {@code pg_depend} (see {@link CatalogReader}).
 *
 * <p>Every name in the statements is schema-qualified, so they mean the same under any search path.
 * Owners and grantees are carried by name: each statement lists the roles it needs, so that a
 * restore can refuse a server that lacks some before it changes anything.
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
     * @param roles  the roles it names (owners, grantees, policies' roles); empty in backups made
     *               before roles were carried
     */
    public record Ddl(String kind, String object, String sql, List<String> roles) {

        /** The kinds that only set owners or privileges, which a restore may leave out. */
        public static final String OWNER = "owner";
        public static final String PRIVILEGES = "privileges";
        public static final String DEFAULT_PRIVILEGES = "default privileges";

        public Ddl {
            roles = roles == null ? List.of() : List.copyOf(roles);
        }

        public Ddl(String kind, String object, String sql) {
            this(kind, object, sql, List.of());
        }
    }
}
