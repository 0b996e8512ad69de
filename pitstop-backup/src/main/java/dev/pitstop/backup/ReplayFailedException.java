package dev.pitstop.backup;

/**
 * A backup whose checksums are sound but which does not restore: one of its statements, or its
 * rows, failed when they were replayed into a scratch database. A restore of it would fail at the
 * same place, so no procedure may depend on it.
 */
public final class ReplayFailedException extends InvalidBackupException {

    private final String what;
    private final String cause;

    /**
     * @param what  the statement's kind and object, like "view app.totals", or "rows of table app.items"
     * @param cause PostgreSQL's message
     */
    ReplayFailedException(String file, String what, String cause, Throwable exception) {
        super(file + " does not restore: " + what + " failed when replayed into a scratch database: " + cause,
                exception);
        this.what = what;
        this.cause = cause;
    }

    /** What failed: a statement's kind and object, like "view app.totals", or "rows of table app.items". */
    public String what() {
        return what;
    }

    /** PostgreSQL's message. */
    public String databaseMessage() {
        return cause;
    }
}
