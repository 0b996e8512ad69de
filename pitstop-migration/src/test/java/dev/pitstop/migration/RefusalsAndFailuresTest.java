package dev.pitstop.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.backup.BackupOptions;
import dev.pitstop.backup.Backups;
import dev.pitstop.backup.Fingerprint;
import dev.pitstop.db.DbSettings;
import dev.pitstop.testing.TestDatabase;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad inputs are refused with a clear error and a failure part-way changes nothing: the target's fingerprint stays. */
class RefusalsAndFailuresTest {

    @TempDir
    Path dir;

    private DbSettings source;
    private DbSettings target;
    private Fingerprint before;

    @BeforeEach
    void clusters() {
        source = SampleApp.create("1.1.0");
        TestDatabase.execute(source, """
                INSERT INTO app.settings VALUES ('items.page-size', '50');
                ALTER TABLE app.items ADD COLUMN color text NOT NULL DEFAULT 'none';
                CREATE TABLE app.labels (code text PRIMARY KEY, title text);
                INSERT INTO app.labels VALUES ('a', 'A');
                """);
        target = SampleApp.create("1.1.0");
        TestDatabase.execute(target, "INSERT INTO app.items (name, sku) VALUES ('bolt', 'P-1')");
        before = Fingerprint.of(target, null);
    }

    @Test
    void failurePartWayThroughApplyChangesNothing() {
        // The schema changes and the first tables have run when the target's own trigger refuses a row.
        TestDatabase.execute(target, """
                CREATE FUNCTION app.refuse_page_size() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.key = 'items.page-size' THEN RAISE EXCEPTION 'injected failure'; END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER refuse_page_size BEFORE INSERT ON app.settings FOR EACH ROW EXECUTE FUNCTION app.refuse_page_size();
                """);
        Fingerprint withTrigger = Fingerprint.of(target, null);
        Path file = create(Map.of("app.labels", Rule.OVERWRITE));

        assertThatThrownBy(() -> Migrations.apply(target, file, SampleApp.options(), "before.backup"))
                .isInstanceOf(MigrationException.class)
                .hasMessageContainingAll("failed while app.settings: overwrite; nothing was changed", "injected failure",
                        "the backup taken before it is before.backup");

        assertThat(Fingerprint.of(target, null).differences(withTrigger)).isEmpty();
        MigrationLog.Entry logged = Migrations.logs(target).get(0);
        assertThat(logged.outcome()).isEqualTo("failed");
        assertThat(logged.message()).contains("injected failure");
    }

    @Test
    void tamperedFileIsRefused() throws IOException {
        Path file = create(Map.of());
        try (RandomAccessFile bytes = new RandomAccessFile(file.toFile(), "rw")) {
            long middle = bytes.length() / 2;
            bytes.seek(middle);
            int b = bytes.read();
            bytes.seek(middle);
            bytes.write(b ^ 0xFF);
        }

        assertRefused(file, SampleApp.options()).hasMessageContaining(file + " is damaged");
    }

    @Test
    void fileFromANewerReleaseIsRefused() {
        TestDatabase.execute(source, "INSERT INTO pitstop.installations (kind, release_version, node_id, completed_at)"
                + " VALUES ('upgrade', '1.2.0', 'node-1', now() + interval '1 second')");
        Path file = create(Map.of());

        assertRefused(file, SampleApp.options()).hasMessageContaining(
                "it was made by release 1.2.0, newer than the target's 1.1.0: upgrade the target to 1.2.0 or later first");
    }

    @Test
    void missingVariableIsRefusedByName() {
        TestDatabase.execute(source, "INSERT INTO app.environment VALUES ('SITE_URL', 'x', false), ('API_KEY', 'y', true)");
        Path file = create(Map.of());

        assertRefused(file, SampleApp.options()).hasMessageContaining(
                "the target lacks environment variables or secrets the source has: API_KEY (secret), SITE_URL;"
                        + " give their values with --set NAME=VALUE or --set-file FILE");
    }

    @Test
    void missingPluginIsRefusedUnlessAllowedThenItsTablesAreLeftOut() throws IOException {
        TestDatabase.execute(source, "INSERT INTO app.plugins (id, version, enabled) VALUES ('tags', '2.0.0', true);"
                + " CREATE TABLE app.tags (name text PRIMARY KEY)");
        Path file = Migrations.create(source, dir.resolve("m.migration"), Map.of(),
                List.of(SampleApp.pluginJar(Files.createDirectories(dir.resolve("jars")), "tags", "tags", null)), SampleApp.SIGNING).file();

        assertRefused(file, SampleApp.options()).hasMessageContaining(
                "the target lacks plugins of the source: tags 2.0.0 (not installed); add or upgrade them first,"
                        + " or give --allow-missing-plugins to leave their tables out");
        Migrations.Report report = Migrations.apply(target, file, SampleApp.options().allowingMissingPlugins(), null);

        assertThat(report.tables()).contains(new Migrations.TableOutcome("app.tags", Rule.OVERWRITE,
                "left out: plugin tags is missing", 0, 0, 0));
        assertThat(TestDatabase.count(target, "SELECT count(*) FROM pg_tables WHERE tablename = 'tags'")).isZero();
    }

    @Test
    void schemaConflictIsRefused() {
        TestDatabase.execute(target, "CREATE TABLE app.labels (code text PRIMARY KEY, title integer)");
        Fingerprint withLabels = Fingerprint.of(target, null);
        Path file = create(Map.of());

        assertRefused(file, SampleApp.options(), withLabels).hasMessageContaining(
                "column app.labels.title is \"title text\" in the migration and \"title integer\" on the target");
    }

    @Test
    void keyRulesAreRefusedForTablesWithoutAKeyOrWithAGeneratedOne() {
        TestDatabase.execute(source, "CREATE TABLE app.notes (text text)");

        assertThatThrownBy(() -> create(Map.of("app.notes", Rule.UPSERT)))
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessage("table app.notes has no primary key, so 'upsert' cannot match its rows; give it a primary key,"
                        + " or use overwrite or schema-only");
        assertThatThrownBy(() -> create(Map.of("app.items", Rule.INSERT_IGNORE)))
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessageStartingWith("table app.items has a database-generated primary key (id gets its value from an"
                        + " identity, sequence or default)");
        assertThatThrownBy(() -> create(Map.of("app.plugins", Rule.OVERWRITE)))
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessageStartingWith("table app.plugins is internal of core: it never moves");
        assertThat(dir.resolve("m.migration")).doesNotExist();
    }

    @Test
    void aBackupIsNotAMigrationAndAMigrationIsNotABackup() {
        Path backup = dir.resolve("target.backup");
        Backups.create(target, backup, BackupOptions.defaults());
        Path file = create(Map.of());

        assertRefused(backup, SampleApp.options()).hasMessageContaining(
                "is not a Pitstop migration: it does not start with the migration signature");
        assertThatThrownBy(() -> Backups.verify(file, dev.pitstop.backup.PasswordSource.NONE))
                .hasMessageContaining("is not a Pitstop backup");
    }

    @Test
    void rulesFileErrorsNameTheKey() throws IOException {
        Path rules = Files.writeString(dir.resolve("rules.yml"), "tables:\n  app.labels: upsrt\n");
        assertThatThrownBy(() -> RulesFile.read(rules)).isInstanceOf(InvalidMigrationException.class)
                .hasMessage("rules file " + rules + ": table app.labels: unknown rule 'upsrt': use one of schema-only,"
                        + " overwrite, upsert, insert-ignore, skip");
        Files.writeString(rules, "table:\n  app.labels: upsert\n");
        assertThatThrownBy(() -> RulesFile.read(rules)).hasMessageEndingWith("unknown key 'table': the only key is 'tables'");
        Files.writeString(rules, "tables:\n  app.nothing: upsert\n");
        assertThatThrownBy(() -> create(RulesFile.read(rules))).hasMessageStartingWith(
                "the rules name table app.nothing, which the source does not have");
    }

    private Path create(Map<String, Rule> rules) {
        return Migrations.create(source, dir.resolve("m.migration"), rules, List.of(), SampleApp.SIGNING).file();
    }

    private org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertRefused(
            Path file, Migrations.Options options) {
        return assertRefused(file, options, before);
    }

    private org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertRefused(
            Path file, Migrations.Options options, Fingerprint unchanged) {
        var check = assertThatThrownBy(() -> Migrations.check(target, file, options))
                .isInstanceOf(MigrationRefusedException.class).hasMessageContaining("refused, nothing was changed");
        assertThatThrownBy(() -> Migrations.apply(target, file, options, null)).isInstanceOf(MigrationRefusedException.class);
        assertThat(Fingerprint.of(target, null).differences(unchanged)).isEmpty();
        return check;
    }
}
