package dev.pitstop.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.lint.MigrationLinter.Migration;
import dev.pitstop.lint.MigrationLinter.Stage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each rule: one statement it allows and one it refuses, with the reason. */
class MigrationLinterTest {

    private final MigrationLinter linter = new MigrationLinter(SqlParser.located());

    @Test
    void dropColumnWaitsForTheContractPhase() {
        assertRefused("ALTER TABLE items DROP COLUMN sku", "drop-column", "nodes of the running release still read");
        assertAllowed(Stage.CONTRACT, "ALTER TABLE items DROP COLUMN sku");
    }

    @Test
    void dropTableWaitsForTheContractPhase() {
        assertRefused("DROP TABLE price_history", "drop", "drop it in a contract migration");
        assertAllowed(Stage.CONTRACT, "DROP TABLE price_history");
    }

    @Test
    void renamesAreRefused() {
        assertRefused("ALTER TABLE items RENAME COLUMN name TO title", "rename", "renames a column");
        assertRefused("ALTER TABLE items RENAME TO things", "rename", "renames a table");
        assertAllowed(Stage.EXPAND, "ALTER TABLE items ADD COLUMN title text");
    }

    @Test
    void typeChangesAreRefused() {
        assertRefused("ALTER TABLE items ALTER COLUMN name TYPE varchar(40)", "change-type", "rewrites the table");
        assertAllowed(Stage.EXPAND, "CREATE TABLE tags (id bigint, name text)",
                "ALTER TABLE tags ALTER COLUMN name TYPE varchar(40)");
    }

    @Test
    void setNotNullNeedsAValidatedCheck() {
        assertRefused("ALTER TABLE items ALTER COLUMN color SET NOT NULL", "set-not-null",
                "first add CHECK (color IS NOT NULL) NOT VALID");
        assertAllowed(Stage.CONTRACT, "ALTER TABLE items ADD CONSTRAINT color_set CHECK (color IS NOT NULL) NOT VALID",
                "ALTER TABLE items VALIDATE CONSTRAINT color_set", "ALTER TABLE items ALTER COLUMN color SET NOT NULL");
    }

    @Test
    void checksAndForeignKeysNeedNotValid() {
        assertRefused("ALTER TABLE items ADD CONSTRAINT positive CHECK (id > 0)", "constraint-not-valid",
                "add it NOT VALID");
        assertRefused("ALTER TABLE items ADD CONSTRAINT owner FOREIGN KEY (owner_id) REFERENCES users (id)",
                "constraint-not-valid", "FOREIGN KEY owner");
        assertAllowed(Stage.EXPAND, "ALTER TABLE items ADD CONSTRAINT owner FOREIGN KEY (owner_id) REFERENCES users (id)"
                + " NOT VALID");
    }

    @Test
    void indexesOnExistingTablesAreBuiltConcurrently() {
        assertRefused("CREATE INDEX items_color ON items (color)", "create-index-concurrently", "CONCURRENTLY");
        assertAllowed(Stage.EXPAND, "CREATE INDEX CONCURRENTLY items_color ON items (color)");
        assertAllowed(Stage.EXPAND, "CREATE TABLE tags (id bigint)", "CREATE INDEX tags_id ON tags (id)");
    }

    @Test
    void concurrentIndexesStandAloneInTheirFile() {
        LintReport report = linter.lint(List.of(new Migration("V3__x.sql", Stage.EXPAND,
                "ALTER TABLE items ADD COLUMN color text; CREATE INDEX CONCURRENTLY items_color ON items (color);")));
        assertThat(report.refused()).singleElement().satisfies(v -> {
            assertThat(v.rule()).isEqualTo("concurrently-alone");
            assertThat(v.reason()).contains("alone in a migration file");
        });
    }

    @Test
    void newColumnsTakeNoVolatileDefault() {
        assertRefused("ALTER TABLE items ADD COLUMN token uuid DEFAULT gen_random_uuid()", "volatile-default",
                "calls gen_random_uuid()");
        assertAllowed(Stage.EXPAND, "ALTER TABLE items ADD COLUMN color text DEFAULT 'none'");
        assertAllowed(Stage.EXPAND, "ALTER TABLE items ADD COLUMN seen timestamptz DEFAULT now()");
    }

    @Test
    void newColumnsOldNodesCannotFillAreRefused() {
        assertRefused("ALTER TABLE items ADD COLUMN color text NOT NULL", "add-column-not-null",
                "the old release's inserts do not fill it");
        assertAllowed(Stage.EXPAND, "ALTER TABLE items ADD COLUMN color text NOT NULL DEFAULT 'none'");
    }

    @Test
    void updatesOfExistingTablesAreBatched() {
        assertRefused("UPDATE items SET color = 'none'", "batched-backfill", "of every row of items");
        assertRefused("UPDATE items SET color = 'none' WHERE color IS NULL", "batched-backfill", "may touch every row");
        LintReport batched = lint(Stage.EXPAND, "UPDATE items SET color = 'none' WHERE id IN "
                + "(SELECT id FROM items WHERE color IS NULL LIMIT 1000)");
        assertThat(batched.online()).isTrue();
        assertThat(batched.verdicts().get(0).batched()).isTrue();
    }

    @Test
    void uniqueConstraintsUseAnIndexBuiltBefore() {
        assertRefused("ALTER TABLE items ADD CONSTRAINT items_code UNIQUE (code)", "constraint-builds-index",
                "CREATE UNIQUE INDEX CONCURRENTLY");
        assertAllowed(Stage.EXPAND, "ALTER TABLE items ADD CONSTRAINT items_code UNIQUE USING INDEX items_code_key");
    }

    @Test
    void dropIndexIsConcurrent() {
        assertRefused("DROP INDEX items_color", "drop-index-concurrently", "DROP INDEX CONCURRENTLY");
        assertAllowed(Stage.EXPAND, "DROP INDEX CONCURRENTLY items_color");
    }

    @Test
    void unknownAndOpaqueStatementsAreRefusedNotGuessed() {
        assertRefused("DO $$ BEGIN PERFORM 1; END $$", "do-block", "cannot be inspected");
        assertRefused("TRUNCATE items", "unknown-statement", "no rule knows TruncateStmt");
        assertRefused("LOCK TABLE items", "unknown-statement", "no rule knows LockStmt");
        assertAllowed(Stage.EXPAND, "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$");
    }

    @Test
    void unparseableStatementsAreRefused() {
        assertRefused("ALTER TABLE items ADD COLUM color text", "unparseable", "syntax error");
    }

    private void assertRefused(String sql, String rule, String reason) {
        LintReport report = lint(Stage.EXPAND, sql);
        assertThat(report.online()).as("%s", report).isFalse();
        assertThat(report.refused()).singleElement().satisfies(v -> {
            assertThat(v.rule()).isEqualTo(rule);
            assertThat(v.reason()).contains(reason);
            assertThat(v.migration()).isEqualTo("V1__test.sql");
        });
    }

    private void assertAllowed(Stage stage, String... sql) {
        LintReport report = lint(stage, sql);
        assertThat(report.online()).as("%s", report.verdicts()).isTrue();
    }

    private LintReport lint(Stage stage, String... statements) {
        List<Migration> migrations = new ArrayList<>();
        for (String sql : statements) {
            migrations.add(new Migration("V" + (migrations.size() + 1) + "__test.sql", stage, sql));
        }
        return linter.lint(migrations);
    }
}
