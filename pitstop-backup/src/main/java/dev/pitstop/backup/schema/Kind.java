package dev.pitstop.backup.schema;

/**
 * What a statement of the {@link Definitions} makes, in the order a restore prefers among
 * statements whose dependencies allow either: declaration order is that priority, as pg_dump's
 * per-type priorities are, and the dependencies read from {@code pg_depend} refine it. Each kind
 * belongs to a section: {@link Section#BEFORE_DATA} runs before the rows are loaded,
 * {@link Section#AFTER_DATA} after, where building an index or checking a key once over the loaded
 * rows is much faster than keeping it up to date row by row.
 */
enum Kind {
    SCHEMA("schema", Section.BEFORE_DATA),
    EXTENSION("extension", Section.BEFORE_DATA),
    COLLATION("collation", Section.BEFORE_DATA),
    ENUM("enum type", Section.BEFORE_DATA),
    TYPE("type", Section.BEFORE_DATA),
    DOMAIN("domain", Section.BEFORE_DATA),
    FUNCTION("function", Section.BEFORE_DATA),
    AGGREGATE("aggregate", Section.BEFORE_DATA),
    OPERATOR("operator", Section.BEFORE_DATA),
    CAST("cast", Section.BEFORE_DATA),
    SEQUENCE("sequence", Section.BEFORE_DATA),
    TABLE("table", Section.BEFORE_DATA),
    CHECK("constraint", Section.BEFORE_DATA),
    PARTITION("partition", Section.BEFORE_DATA),
    COLUMN_OPTIONS("column options", Section.BEFORE_DATA),
    VIEW("view", Section.BEFORE_DATA),
    MATERIALIZED_VIEW("materialized view", Section.BEFORE_DATA),
    COLUMN_DEFAULT("column default", Section.BEFORE_DATA),
    SEQUENCE_OWNERSHIP("sequence ownership", Section.BEFORE_DATA),

    SEQUENCE_VALUE("sequence value", Section.AFTER_DATA),
    CONSTRAINT("constraint", Section.AFTER_DATA),
    INDEX("index", Section.AFTER_DATA),
    INDEX_PARTITION("index partition", Section.AFTER_DATA),
    INDEX_OPTIONS("index options", Section.AFTER_DATA),
    VIEW_DEFINITION("view definition", Section.AFTER_DATA),
    FOREIGN_KEY("foreign key", Section.AFTER_DATA),
    TABLE_OPTIONS("table options", Section.AFTER_DATA),
    RULE("rule", Section.AFTER_DATA),
    TRIGGER("trigger", Section.AFTER_DATA),
    TRIGGER_STATE("trigger state", Section.AFTER_DATA),
    ROW_SECURITY("row security", Section.AFTER_DATA),
    POLICY("policy", Section.AFTER_DATA),
    STATISTICS("statistics", Section.AFTER_DATA),
    EVENT_TRIGGER("event trigger", Section.AFTER_DATA),
    COMMENT("comment", Section.AFTER_DATA),
    SECURITY_LABEL("security label", Section.AFTER_DATA),
    OWNER("owner", Section.AFTER_DATA),
    PRIVILEGES("privileges", Section.AFTER_DATA),
    // Materialized views are filled last, as their owners, with the privileges they were granted.
    MATERIALIZED_VIEW_DATA("materialized view data", Section.AFTER_DATA),
    // Last, so that they apply to nothing the restore itself creates.
    DEFAULT_PRIVILEGES("default privileges", Section.AFTER_DATA);

    enum Section { BEFORE_DATA, AFTER_DATA }

    /** The name in a {@link Definitions.Ddl}, which messages and the migration engine read. */
    final String label;
    final Section section;

    Kind(String label, Section section) {
        this.label = label;
        this.section = section;
    }
}
