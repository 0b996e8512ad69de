package dev.pitstop.lint;

/**
 * What the linter says of one statement of a migration.
 *
 * @param migration where it comes from ({@code V3__add_color.sql of plugin items})
 * @param statement its text, as written (or the whole file when it does not parse)
 * @param allowed   whether it may run while the previous release's nodes serve
 * @param rule      the rule that decided, e.g. {@code create-index-concurrently}
 * @param reason    why, in a sentence an operator can act on
 * @param batched   whether the upgrade repeats it until it changes no row (a batched backfill)
 */
public record Verdict(String migration, String statement, boolean allowed, String rule, String reason,
                      boolean batched) {

    static Verdict allow(String rule, String reason) {
        return new Verdict(null, null, true, rule, reason, false);
    }

    static Verdict refuse(String rule, String reason) {
        return new Verdict(null, null, false, rule, reason, false);
    }

    Verdict batch() {
        return new Verdict(migration, statement, allowed, rule, reason, true);
    }

    Verdict of(String migration, String statement) {
        return new Verdict(migration, statement, allowed, rule, reason, batched);
    }

    /** {@code refused: V3__x.sql of plugin items: ALTER TABLE ... — reason}, for messages. */
    @Override
    public String toString() {
        return (allowed ? "ok" : "refused") + ": " + migration + ": " + oneLine(statement) + " — " + reason;
    }

    private static String oneLine(String sql) {
        String line = sql.replaceAll("\\s+", " ").strip();
        return line.length() > 120 ? line.substring(0, 117) + "..." : line;
    }
}
