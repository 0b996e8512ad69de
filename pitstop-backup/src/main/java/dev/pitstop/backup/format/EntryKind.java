package dev.pitstop.backup.format;

/** What an entry of a backup holds. */
public enum EntryKind {
    /** The schema definitions, as {@code Definitions} JSON; always the first entry. */
    DEFINITIONS,
    /** One table's rows in PostgreSQL's COPY text format. */
    TABLE,
    /** A directory of the storage directory, named by its path relative to it. */
    DIRECTORY,
    /** A regular file of the storage directory, named by its path relative to it. */
    FILE
}
