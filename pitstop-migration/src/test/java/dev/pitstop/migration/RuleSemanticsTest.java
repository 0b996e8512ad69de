package dev.pitstop.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.db.DbSettings;
import dev.pitstop.testing.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each rule on a table whose keys overlap: the source has a, b (changed) and c (equal); the target
 * has b, c and d (its own).
 */
class RuleSemanticsTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Rule.class)
    void ruleOnOverlappingKeys(Rule rule) {
        DbSettings source = SampleApp.create("1.1.0");
        TestDatabase.execute(source, """
                CREATE TABLE app.labels (code text PRIMARY KEY, title text NOT NULL, note jsonb);
                INSERT INTO app.labels VALUES ('a', 'A', '{"x": 1}'), ('b', 'B new', null), ('c', 'C', null);
                """);
        DbSettings target = SampleApp.create("1.1.0");
        TestDatabase.execute(target, """
                CREATE TABLE app.labels (code text PRIMARY KEY, title text NOT NULL, note jsonb);
                INSERT INTO app.labels VALUES ('b', 'B old', null), ('c', 'C', null), ('d', 'D', null);
                """);
        Path file = Migrations.create(source, dir.resolve("m.migration"), Map.of("app.labels", rule), List.of(), SampleApp.SIGNING).file();

        Migrations.Report report = Migrations.apply(target, file, SampleApp.options(), null);

        Migrations.TableOutcome labels = report.tables().stream().filter(t -> t.table().equals("app.labels"))
                .findFirst().orElseThrow();
        List<String> rows = TestDatabase.pairs(target, "SELECT code, title FROM app.labels ORDER BY code");
        switch (rule) {
            case OVERWRITE -> {
                assertThat(rows).containsExactly("a=A", "b=B new", "c=C");
                assertThat(counts(labels)).containsExactly(1L, 1L, 1L);
            }
            case UPSERT -> {
                assertThat(rows).containsExactly("a=A", "b=B new", "c=C", "d=D");
                assertThat(counts(labels)).containsExactly(1L, 1L, 0L);
            }
            case INSERT_IGNORE -> {
                assertThat(rows).containsExactly("a=A", "b=B old", "c=C", "d=D");
                assertThat(counts(labels)).containsExactly(1L, 0L, 0L);
            }
            case SCHEMA_ONLY, SKIP -> {
                assertThat(rows).containsExactly("b=B old", "c=C", "d=D");
                assertThat(counts(labels)).containsExactly(0L, 0L, 0L);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Rule.class)
    void ruleOnATableTheTargetLacks(Rule rule) {
        DbSettings source = SampleApp.create("1.1.0");
        TestDatabase.execute(source, "CREATE TABLE app.labels (code text PRIMARY KEY, title text NOT NULL);"
                + " INSERT INTO app.labels VALUES ('a', 'A')");
        DbSettings target = SampleApp.create("1.1.0");
        Path file = Migrations.create(source, dir.resolve("m.migration"), Map.of("app.labels", rule), List.of(), SampleApp.SIGNING).file();

        Migrations.apply(target, file, SampleApp.options(), null);

        boolean created = TestDatabase.count(target, "SELECT count(*) FROM pg_tables WHERE schemaname = 'app'"
                + " AND tablename = 'labels'") == 1;
        assertThat(created).isEqualTo(rule.movesSchema());
        if (created) {
            assertThat(TestDatabase.count(target, "SELECT count(*) FROM app.labels")).isEqualTo(rule.movesData() ? 1 : 0);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Rule.class, names = {"OVERWRITE", "SCHEMA_ONLY"})
    void keylessTable(Rule rule) {
        DbSettings source = SampleApp.create("1.1.0");
        TestDatabase.execute(source, "CREATE TABLE app.log_levels (logger text, level text);"
                + " INSERT INTO app.log_levels VALUES ('root', 'info'), ('root', 'info')");
        DbSettings target = SampleApp.create("1.1.0");
        TestDatabase.execute(target, "CREATE TABLE app.log_levels (logger text, level text);"
                + " INSERT INTO app.log_levels VALUES ('web', 'debug')");
        Path file = Migrations.create(source, dir.resolve("m.migration"), Map.of("app.log_levels", rule), List.of(), SampleApp.SIGNING).file();

        Migrations.apply(target, file, SampleApp.options(), null);

        assertThat(TestDatabase.pairs(target, "SELECT logger, level FROM app.log_levels ORDER BY 1"))
                .containsExactly(rule == Rule.OVERWRITE ? new String[] {"root=info", "root=info"} : new String[] {"web=debug"});
    }

    @ParameterizedTest
    @EnumSource(value = Rule.class, names = {"OVERWRITE"})
    void overwriteAdvancesTheTargetsSequencePastTheMovedKeys(Rule rule) {
        DbSettings source = SampleApp.create("1.1.0");
        TestDatabase.execute(source, "CREATE TABLE app.menus (id bigserial PRIMARY KEY, title text);"
                + " INSERT INTO app.menus (title) SELECT 'menu ' || n FROM generate_series(1, 5) n");
        DbSettings target = SampleApp.create("1.1.0");
        TestDatabase.execute(target, "CREATE TABLE app.menus (id bigserial PRIMARY KEY, title text)");
        Path file = Migrations.create(source, dir.resolve("m.migration"), Map.of("app.menus", rule), List.of(), SampleApp.SIGNING).file();

        Migrations.apply(target, file, SampleApp.options(), null);
        TestDatabase.execute(target, "INSERT INTO app.menus (title) VALUES ('new on the target')");

        assertThat(TestDatabase.count(target, "SELECT max(id) FROM app.menus")).isEqualTo(6);
    }

    private static List<Long> counts(Migrations.TableOutcome outcome) {
        return List.of(outcome.inserted(), outcome.updated(), outcome.deleted());
    }
}
