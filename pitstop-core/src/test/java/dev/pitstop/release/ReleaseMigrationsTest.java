package dev.pitstop.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseMigrationsTest {

    @TempDir
    Path dir;

    @Test
    void eachMigrationHasThePhaseItsPluginDeclaresAndUndeclaredOnesAreOffline() throws IOException {
        Release release = release("""
                plugin.id=items
                plugin.version=1.3.0
                plugin.migrations.expand=3, 4
                plugin.migrations.contract=5
                """, Map.of("V1__create.sql", "CREATE TABLE items (id int)", "V3__add.sql", "ALTER TABLE items ADD c int",
                "V4__index.sql", "SELECT 1", "V5__tighten.sql", "SELECT 2", "V10__later.sql", "SELECT 3"));

        List<MigrationSet> sets = ReleaseMigrations.of(release);

        assertThat(sets).hasSize(1);
        MigrationSet items = sets.get(0);
        assertThat(items.historyTable()).isEqualTo("plugin_items_schema_history");
        assertThat(items.scripts()).extracting(MigrationScript::version, MigrationScript::phase).containsExactly(
                org.assertj.core.groups.Tuple.tuple("1", MigrationPhase.OFFLINE),
                org.assertj.core.groups.Tuple.tuple("3", MigrationPhase.EXPAND),
                org.assertj.core.groups.Tuple.tuple("4", MigrationPhase.EXPAND),
                org.assertj.core.groups.Tuple.tuple("5", MigrationPhase.CONTRACT),
                org.assertj.core.groups.Tuple.tuple("10", MigrationPhase.OFFLINE));
        assertThat(items.scripts().get(1).sql()).isEqualTo("ALTER TABLE items ADD c int");
    }

    @Test
    void aMigrationIsBatchedOnlyWhenDeclared() throws IOException {
        Release release = release("plugin.id=items\nplugin.migrations.expand=3\nplugin.migrations.batched=3\n",
                Map.of("V1__create.sql", "SELECT 1", "V3__backfill.sql", "SELECT 2"));

        assertThat(ReleaseMigrations.of(release).get(0).scripts()).extracting(MigrationScript::version,
                MigrationScript::batched).containsExactly(org.assertj.core.groups.Tuple.tuple("1", false),
                org.assertj.core.groups.Tuple.tuple("3", true));
    }

    @Test
    void aDeclaredVersionWithoutItsFileIsAnError() throws IOException {
        Release release = release("plugin.id=items\nplugin.migrations.expand=7\n", Map.of("V1__create.sql", "SELECT 1"));

        assertThatThrownBy(() -> ReleaseMigrations.of(release)).hasMessageContaining("declares the phase of migration "
                + "versions 7").hasMessageContaining("migrations/items/");
    }

    private Release release(String properties, Map<String, String> migrations) throws IOException {
        Files.writeString(dir.resolve("release.json"), "{\"name\": \"demo\", \"version\": \"1.3.0\"}");
        Files.createDirectories(dir.resolve("lib"));
        Files.createDirectories(dir.resolve("plugins"));
        try (OutputStream file = Files.newOutputStream(dir.resolve("plugins/items.jar"));
             ZipOutputStream zip = new ZipOutputStream(file)) {
            zip.putNextEntry(new ZipEntry("plugin.properties"));
            zip.write(properties.getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, String> migration : migrations.entrySet()) {
                zip.putNextEntry(new ZipEntry("migrations/items/" + migration.getKey()));
                zip.write(migration.getValue().getBytes(StandardCharsets.UTF_8));
            }
        }
        return Release.open(dir);
    }
}
