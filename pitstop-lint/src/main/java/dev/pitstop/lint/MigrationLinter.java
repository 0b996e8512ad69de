package dev.pitstop.lint;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Decides, statement by statement, whether a release's migrations may run while nodes of the
 * previous release serve: the rules of strong_migrations, squawk and GitLab's migration style
 * guide, on PostgreSQL's own parse tree. A statement no rule knows is refused, and so is one
 * PostgreSQL cannot parse: the linter never guesses.
 *
 * <p>Two kinds of harm are refused. <em>Breaking old nodes</em>: dropping or renaming what they
 * use, changing a column's type, a new column they would have to fill. <em>Long locks</em>: a
 * statement that holds an ACCESS EXCLUSIVE or SHARE lock while it rewrites or scans a whole
 * table (a type change, a volatile default, a constraint validated at once, an index built
 * without {@code CONCURRENTLY}, an unbatched {@code UPDATE}). What a contract migration runs
 * after every node runs the new release may drop what the old one used; lock rules still apply.
 * Tables created by an earlier statement of the same upgrade are empty and unused by old nodes,
 * so neither kind of harm applies to them.
 */
public final class MigrationLinter {

    /** When a migration runs: while old nodes serve, or once every node runs the new release. */
    public enum Stage {
        EXPAND,
        CONTRACT
    }

    /** One migration file to lint, in the order the upgrade runs them. */
    public record Migration(String name, Stage stage, String sql) {
    }

    /** Functions a new column's default may call without rewriting the table (stable or immutable). */
    private static final Set<String> NON_VOLATILE_DEFAULTS = Set.of("now", "current_timestamp", "lower", "upper",
            "coalesce", "jsonb_build_object", "json_build_object", "to_jsonb", "array_length", "length");

    private final SqlParser parser;

    public MigrationLinter(SqlParser parser) {
        this.parser = parser;
    }

    public LintReport lint(List<Migration> migrations) {
        List<SqlParser.Parsed> parsed = parser.parse(migrations.stream().map(Migration::sql).toList());
        Context context = new Context();
        List<Verdict> verdicts = new ArrayList<>();
        for (int i = 0; i < migrations.size(); i++) {
            Migration migration = migrations.get(i);
            SqlParser.Parsed file = parsed.get(i);
            if (!file.parsed()) {
                verdicts.add(Verdict.refuse("unparseable", "PostgreSQL's parser rejects it (" + file.error()
                        + "), so nothing can be said of what it does").of(migration.name(), migration.sql()));
                continue;
            }
            boolean alone = file.statements().size() == 1;
            for (SqlParser.Statement statement : file.statements()) {
                verdicts.add(check(statement, migration.stage(), alone, context).of(migration.name(), statement.sql()));
            }
        }
        return new LintReport(verdicts);
    }

    /** What earlier statements of the same upgrade did, which later ones may rely on. */
    private static final class Context {
        final Set<String> newTables = new HashSet<>();
        /** NOT VALID checks {@code column IS NOT NULL}, by constraint name: table and column. */
        final Map<String, String> notNullChecks = new HashMap<>();
        /** "table.column" pairs whose NOT NULL check has been validated. */
        final Set<String> validatedNotNull = new HashSet<>();
    }

    private Verdict check(SqlParser.Statement statement, Stage stage, boolean alone, Context context) {
        JsonNode body = statement.body();
        return switch (statement.type()) {
            case "CreateStmt" -> {
                context.newTables.add(table(body.path("relation")));
                yield Verdict.allow("create-table", "a new table: old nodes do not use it");
            }
            case "AlterTableStmt" -> alterTable(body, stage, context);
            case "RenameStmt" -> Verdict.refuse("rename", "renames " + objectType(body.path("renameType").asText())
                    + " that nodes of the running release use by its old name: add the new one, write both, then "
                    + "drop the old one in a later release's contract phase");
            case "DropStmt" -> drop(body, stage);
            case "IndexStmt" -> index(body, alone, context);
            case "UpdateStmt", "DeleteStmt" -> rowChange(statement.type().equals("UpdateStmt") ? "UPDATE" : "DELETE",
                    body, context);
            case "InsertStmt" -> Verdict.allow("insert", "adds rows; the nodes of both releases read them");
            case "CreateFunctionStmt" -> Verdict.allow("create-function", "a function: no table is locked");
            case "CreateTrigStmt" -> Verdict.allow("create-trigger", "a trigger: a brief lock, taken under the "
                    + "upgrade's lock_timeout");
            case "CreateSeqStmt", "CommentStmt", "ViewStmt" -> Verdict.allow("create-other",
                    "no existing table is rewritten or locked for long");
            case "DoStmt" -> Verdict.refuse("do-block", "a DO block's body cannot be inspected; write its statements"
                    + " as plain SQL");
            default -> Verdict.refuse("unknown-statement", "no rule knows " + statement.type() + " statements, so "
                    + "it is not known to be safe while the running release serves");
        };
    }

    private Verdict alterTable(JsonNode body, Stage stage, Context context) {
        String table = table(body.path("relation"));
        boolean isNew = context.newTables.contains(table);
        List<Verdict> verdicts = new ArrayList<>();
        for (JsonNode command : body.path("cmds")) {
            verdicts.add(alterCommand(table, isNew, command.path("AlterTableCmd"), stage, context));
        }
        return verdicts.stream().filter(v -> !v.allowed()).findFirst()
                .orElse(verdicts.isEmpty() ? Verdict.allow("alter-table", "changes nothing") : verdicts.get(0));
    }

    private Verdict alterCommand(String table, boolean isNew, JsonNode cmd, Stage stage, Context context) {
        String column = cmd.path("name").asText();
        switch (cmd.path("subtype").asText()) {
            case "AT_AddColumn":
                return addColumn(table, isNew, cmd.path("def").path("ColumnDef"));
            case "AT_DropColumn":
                return stage == Stage.CONTRACT || isNew
                        ? Verdict.allow("drop-column", "dropped once no node of the previous release serves")
                        : Verdict.refuse("drop-column", "drops column " + table + "." + column + ", which nodes of "
                        + "the running release still read: stop using it in this release and drop it in a "
                        + "contract migration");
            case "AT_AlterColumnType":
                return isNew ? Verdict.allow("change-type", "the table is new")
                        : Verdict.refuse("change-type", "changes the type of " + table + "." + column + ": PostgreSQL "
                        + "rewrites the table under an ACCESS EXCLUSIVE lock and old nodes may not read the new type; "
                        + "add a new column instead");
            case "AT_SetNotNull":
                if (isNew || context.validatedNotNull.contains(table + "." + column)) {
                    return Verdict.allow("set-not-null", "a validated CHECK (" + column + " IS NOT NULL) proves it "
                            + "without a scan");
                }
                return Verdict.refuse("set-not-null", "SET NOT NULL on " + table + "." + column + " scans the whole "
                        + "table under an ACCESS EXCLUSIVE lock: first add CHECK (" + column + " IS NOT NULL) NOT VALID "
                        + "and VALIDATE CONSTRAINT it");
            case "AT_AddConstraint":
                return addConstraint(table, isNew, cmd.path("def").path("Constraint"), context);
            case "AT_ValidateConstraint": {
                String proven = context.notNullChecks.get(column);
                if (proven != null) {
                    context.validatedNotNull.add(proven);
                }
                return Verdict.allow("validate-constraint", "validation takes a SHARE UPDATE EXCLUSIVE lock: reads "
                        + "and writes go on");
            }
            case "AT_ColumnDefault":
                return Verdict.allow("column-default", "a default applies to new rows only; no rewrite");
            case "AT_DropNotNull":
                return Verdict.allow("drop-not-null", "loosens a constraint; nodes of both releases satisfy it");
            case "AT_DropConstraint":
                return Verdict.allow("drop-constraint", "loosens the schema; nodes of both releases satisfy it");
            default:
                return Verdict.refuse("unknown-alter", "no rule knows ALTER TABLE " + cmd.path("subtype").asText()
                        .replaceFirst("^AT_", "") + ", so it is not known to be safe while the running release serves");
        }
    }

    private Verdict addColumn(String table, boolean isNew, JsonNode def) {
        String column = def.path("colname").asText();
        if (isNew) {
            return Verdict.allow("add-column", "the table is new");
        }
        boolean notNull = false;
        JsonNode defaultExpr = null;
        for (JsonNode c : def.path("constraints")) {
            JsonNode constraint = c.path("Constraint");
            switch (constraint.path("contype").asText()) {
                case "CONSTR_NOTNULL" -> notNull = true;
                case "CONSTR_DEFAULT" -> defaultExpr = constraint.path("raw_expr");
                case "CONSTR_NULL", "CONSTR_GENERATED" -> {
                }
                default -> {
                    return Verdict.refuse("add-column-constraint", "column " + table + "." + column + " comes with a "
                            + constraint.path("contype").asText().replaceFirst("^CONSTR_", "") + " constraint, checked"
                            + " or indexed over the whole table under its lock: add the column, then the constraint "
                            + "NOT VALID (or the index CONCURRENTLY)");
                }
            }
        }
        if (defaultExpr != null) {
            String volatileCall = volatileCall(defaultExpr);
            if (volatileCall != null) {
                return Verdict.refuse("volatile-default", "the default of " + table + "." + column + " calls "
                        + volatileCall + "(), which PostgreSQL must evaluate for every row: the table is rewritten "
                        + "under an ACCESS EXCLUSIVE lock; add the column without it, set the default, backfill in "
                        + "batches");
            }
        }
        if (notNull && defaultExpr == null) {
            return Verdict.refuse("add-column-not-null", "new column " + table + "." + column + " is NOT NULL without"
                    + " a default: the old release's inserts do not fill it and would fail");
        }
        return Verdict.allow("add-column", "nodes of the running release ignore a new column"
                + (defaultExpr == null ? "" : "; its constant default is stored once, without a rewrite"));
    }

    /** The first function a default calls that is not known to be stable or immutable, else null. */
    private static String volatileCall(JsonNode expr) {
        if (expr.isObject() && expr.has("FuncCall")) {
            JsonNode names = expr.path("FuncCall").path("funcname");
            String name = names.get(names.size() - 1).path("String").path("sval").asText().toLowerCase(Locale.ROOT);
            if (!NON_VOLATILE_DEFAULTS.contains(name)) {
                return name;
            }
        }
        for (JsonNode child : expr) {
            String found = volatileCall(child);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private Verdict addConstraint(String table, boolean isNew, JsonNode constraint, Context context) {
        String type = constraint.path("contype").asText();
        String name = constraint.path("conname").asText();
        if (isNew) {
            return Verdict.allow("add-constraint", "the table is new");
        }
        switch (type) {
            case "CONSTR_CHECK", "CONSTR_FOREIGN": {
                String kind = type.equals("CONSTR_CHECK") ? "CHECK" : "FOREIGN KEY";
                if (!constraint.path("skip_validation").asBoolean()) {
                    return Verdict.refuse("constraint-not-valid", "adds " + kind + " " + name + " to " + table
                            + " validated at once, scanning the table under a lock that blocks writes: add it NOT "
                            + "VALID, then VALIDATE CONSTRAINT " + name + " in its own statement");
                }
                String column = notNullColumn(constraint.path("raw_expr"));
                if (type.equals("CONSTR_CHECK") && column != null) {
                    context.notNullChecks.put(name, table + "." + column);
                }
                return Verdict.allow("constraint-not-valid", kind + " NOT VALID checks new rows only; validated "
                        + "later without blocking writes");
            }
            case "CONSTR_PRIMARY", "CONSTR_UNIQUE":
                if (!constraint.path("indexname").asText().isEmpty()) {
                    return Verdict.allow("constraint-using-index", "uses an index built beforehand");
                }
                return Verdict.refuse("constraint-builds-index", "adds a " + (type.equals("CONSTR_PRIMARY") ? "primary "
                        + "key" : "unique constraint") + " to " + table + ", building its index under a lock that "
                        + "blocks writes: CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... USING INDEX");
            default:
                return Verdict.refuse("unknown-constraint", "no rule knows " + type.replaceFirst("^CONSTR_", "")
                        + " constraints, so it is not known to be safe while the running release serves");
        }
    }

    /** {@code column} when the expression is {@code column IS NOT NULL}, else null. */
    private static String notNullColumn(JsonNode expr) {
        JsonNode test = expr.path("NullTest");
        if (!test.path("nulltesttype").asText().equals("IS_NOT_NULL")) {
            return null;
        }
        JsonNode fields = test.path("arg").path("ColumnRef").path("fields");
        return fields.size() == 1 ? fields.get(0).path("String").path("sval").asText() : null;
    }

    private Verdict drop(JsonNode body, Stage stage) {
        String type = body.path("removeType").asText();
        if (type.equals("OBJECT_INDEX")) {
            return body.path("concurrent").asBoolean()
                    ? Verdict.allow("drop-index-concurrently", "dropped without blocking the table")
                    : Verdict.refuse("drop-index-concurrently", "DROP INDEX blocks the table while it waits for its "
                    + "lock: DROP INDEX CONCURRENTLY");
        }
        if (stage == Stage.CONTRACT) {
            return Verdict.allow("drop", "dropped once no node of the previous release serves");
        }
        return Verdict.refuse("drop", "drops " + objectType(type) + " that nodes of the running release may use: "
                + "drop it in a contract migration, once they are gone");
    }

    private Verdict index(JsonNode body, boolean alone, Context context) {
        String table = table(body.path("relation"));
        if (context.newTables.contains(table)) {
            return Verdict.allow("create-index-concurrently", "the table is new and empty");
        }
        if (!body.path("concurrent").asBoolean()) {
            return Verdict.refuse("create-index-concurrently", "CREATE INDEX on existing table " + table + " blocks "
                    + "its writes while the index is built: CREATE INDEX CONCURRENTLY");
        }
        if (!alone) {
            return Verdict.refuse("concurrently-alone", "CREATE INDEX CONCURRENTLY cannot run inside a transaction: "
                    + "put it alone in a migration file of its own");
        }
        return Verdict.allow("create-index-concurrently", "built without blocking writes");
    }

    private Verdict rowChange(String verb, JsonNode body, Context context) {
        String table = table(body.path("relation"));
        if (context.newTables.contains(table)) {
            return Verdict.allow("batched-backfill", "the table is new");
        }
        JsonNode where = body.path("whereClause");
        if (where.isMissingNode()) {
            return Verdict.refuse("batched-backfill", verb + " of every row of " + table + " in one transaction locks"
                    + " them all until it ends: batch it, WHERE id IN (SELECT id FROM " + table + " WHERE ... LIMIT n),"
                    + " which the upgrade repeats until no row changes");
        }
        if (!hasLimitedSubquery(where)) {
            return Verdict.refuse("batched-backfill", verb + " of " + table + " may touch every row in one "
                    + "transaction: select a batch, WHERE id IN (SELECT id FROM " + table + " WHERE ... LIMIT n), "
                    + "which the upgrade repeats until no row changes");
        }
        return Verdict.allow("batched-backfill", "a batch, repeated in its own transactions until no row changes")
                .batch();
    }

    private static boolean hasLimitedSubquery(JsonNode node) {
        if (node.isObject() && node.has("SubLink")
                && !node.path("SubLink").path("subselect").path("SelectStmt").path("limitCount").isMissingNode()) {
            return true;
        }
        for (JsonNode child : node) {
            if (hasLimitedSubquery(child)) {
                return true;
            }
        }
        return false;
    }

    private static String table(JsonNode relation) {
        return relation.path("relname").asText().toLowerCase(Locale.ROOT);
    }

    private static String objectType(String type) {
        return "a " + type.replaceFirst("^OBJECT_", "").toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
