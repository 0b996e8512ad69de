package dev.pitstop.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.db.DbSettings;
import dev.pitstop.secret.ClusterKey;
import dev.pitstop.testing.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Staging to production: the source's configuration replaces the target's, the target's user data
 * stays and gains the source's schema changes, and the target's environment is left alone.
 */
class EnvironmentMigrationTest {

    @TempDir
    Path dir;

    @Test
    void configurationMovesUserDataStaysSecretsAreUntouched() {
        DbSettings source = SampleApp.create("1.1.0");
        TestDatabase.execute(source, """
                UPDATE app.settings SET value = 'Staging shop' WHERE key = 'site.title';
                INSERT INTO app.settings VALUES ('items.page-size', '50');
                ALTER TABLE app.items ADD COLUMN color text NOT NULL DEFAULT 'none';
                CREATE INDEX items_color_idx ON app.items (color);
                INSERT INTO app.items (name, sku, color) VALUES ('staging spanner', 'S-1', 'red');
                INSERT INTO app.environment VALUES ('SITE_URL', 'https://staging.example', false),
                    ('PAYMENT_KEY', 'staging-secret', true);
                """);
        DbSettings target = SampleApp.create("1.1.0");
        TestDatabase.execute(target, """
                INSERT INTO app.settings VALUES ('legacy.flag', 'on');
                INSERT INTO app.items (name, sku) VALUES ('bolt', 'P-1'), ('nut', 'P-2');
                INSERT INTO app.comments (item_id, text) VALUES (1, 'keep me');
                INSERT INTO app.environment VALUES ('SITE_URL', 'https://shop.example', false),
                    ('PAYMENT_KEY', 'production-secret', true);
                """);
        List<Path> jars = List.of(SampleApp.pluginJar(dir, "items", null, "items"),
                SampleApp.pluginJar(dir, "comments", null, "comments"));
        Path file = Migrations.create(source, dir.resolve("staging.migration"), RulesFile.none(), jars, SampleApp.SIGNING).file();

        Migrations.Report preview = Migrations.check(target, file, SampleApp.options());
        Migrations.Report applied = Migrations.apply(target, file, SampleApp.options(), "before.backup");

        assertThat(applied).isEqualTo(preview);
        assertThat(applied.statements()).containsExactly(
                "ALTER TABLE app.items ADD COLUMN color text NOT NULL DEFAULT 'none'::text",
                "CREATE INDEX items_color_idx ON app.items USING btree (color)");
        assertThat(outcome(applied, "app.settings")).isEqualTo(
                new Migrations.TableOutcome("app.settings", Rule.OVERWRITE, null, 1, 1, 1));
        assertThat(TestDatabase.pairs(target, "SELECT key, value FROM app.settings ORDER BY key"))
                .isEqualTo(TestDatabase.pairs(source, "SELECT key, value FROM app.settings ORDER BY key"));
        assertThat(TestDatabase.pairs(target, "SELECT name, color FROM app.items ORDER BY id"))
                .containsExactly("bolt=none", "nut=none");
        assertThat(TestDatabase.pairs(target, "SELECT item_id, text FROM app.comments")).containsExactly("1=keep me");
        assertThat(TestDatabase.pairs(target, "SELECT name, value FROM app.environment ORDER BY name"))
                .containsExactly("PAYMENT_KEY=production-secret", "SITE_URL=https://shop.example");

        MigrationLog.Entry logged = Migrations.logs(target).get(0);
        assertThat(logged.outcome()).isEqualTo("succeeded");
        assertThat(logged.backup()).isEqualTo("before.backup");
        assertThat(logged.statements()).isEqualTo(applied.statements());
        assertThat(logged.tables()).isEqualTo(applied.tables());
        assertThat(logged.steps()).extracting(MigrationLog.Step::name).contains("app.settings: overwrite");
    }

    @Test
    void applyingAgainChangesNothing() {
        DbSettings source = SampleApp.create("1.1.0");
        TestDatabase.execute(source, "INSERT INTO app.settings VALUES ('items.page-size', '50')");
        DbSettings target = SampleApp.create("1.1.0");
        Path file = Migrations.create(source, dir.resolve("m.migration"), RulesFile.none(), List.of(), SampleApp.SIGNING).file();
        Migrations.apply(target, file, SampleApp.options(), null);

        Migrations.Report again = Migrations.check(target, file, SampleApp.options());

        assertThat(again.statements()).isEmpty();
        assertThat(outcome(again, "app.settings")).isEqualTo(
                new Migrations.TableOutcome("app.settings", Rule.OVERWRITE, null, 0, 0, 0));
    }

    @Test
    void missingVariablesAreSuppliedAndSecretsComeOnlyFromFiles() throws Exception {
        DbSettings source = SampleApp.create("1.1.0");
        TestDatabase.execute(source, "INSERT INTO app.environment VALUES ('SITE_URL', 'x', false), ('API_KEY', 'y', true)");
        DbSettings target = SampleApp.create("1.1.0");
        Path file = Migrations.create(source, dir.resolve("m.migration"), RulesFile.none(), List.of(), SampleApp.SIGNING).file();
        Map<String, String> values = Map.of("SITE_URL", "https://shop.example", "API_KEY", "production-key");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Migrations.check(target, file,
                        SampleApp.options().withValues(values, Set.of("API_KEY"))))
                .isInstanceOf(MigrationRefusedException.class)
                .hasMessageContaining("API_KEY is a secret: give its value in a --set-file");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Migrations.apply(target, file,
                        SampleApp.options().withValues(values, Set.of("SITE_URL")), null))
                .isInstanceOf(MigrationRefusedException.class)
                .hasMessageContaining("the secret API_KEY would be stored in clear");
        ClusterKey key = ClusterKey.readOrCreate(dir.resolve("cluster.key"));
        Migrations.Report applied = Migrations.apply(target, file,
                SampleApp.options().withValues(values, Set.of("SITE_URL")).withClusterKey(key), null);

        assertThat(applied.environmentAdded()).containsExactly("API_KEY", "SITE_URL");
        assertThat(TestDatabase.pairs(target, "SELECT name, secret FROM app.environment ORDER BY name"))
                .containsExactly("API_KEY=t", "SITE_URL=f");
        String sealed = TestDatabase.pairs(target, "SELECT value, secret FROM app.environment WHERE secret").get(0)
                .replaceFirst("=t$", "");
        assertThat(sealed).startsWith(ClusterKey.PREFIX).doesNotContain("production-key");
        assertThat(key.open("API_KEY", sealed)).isEqualTo("production-key");
    }

    private static Migrations.TableOutcome outcome(Migrations.Report report, String table) {
        return report.tables().stream().filter(t -> t.table().equals(table)).findFirst().orElseThrow();
    }
}
