package dev.pitstop.node.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.pitstop.db.Database;
import dev.pitstop.db.DbSettings;
import dev.pitstop.testing.TestDatabase;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node's migration runner (first install, offline upgrade, plugin install) on a real database,
 * with a plugin shaped like demo 1.3.0's items: a batched backfill of 1000 rows a run, then a
 * migration that needs every row backfilled.
 */
class MigrationsTest {

    private static final int ITEMS = 2500;

    @TempDir
    Path dir;

    @Test
    void aBatchedMigrationIsRepeatedUntilItChangesNoRowSoTheLaterOnesFindEveryRowDone() throws IOException {
        DbSettings db = TestDatabase.create();
        TestDatabase.execute(db, "CREATE SCHEMA " + Database.APP_SCHEMA);
        Map<String, String> migrations = new LinkedHashMap<>();
        migrations.put("V1__create_items.sql", "CREATE TABLE items (id bigserial PRIMARY KEY, name text NOT NULL);"
                + " INSERT INTO items (name) SELECT 'Item ' || g FROM generate_series(1, " + ITEMS + ") g;");
        migrations.put("V2__add_slug.sql", "ALTER TABLE items ADD COLUMN slug text;");
        migrations.put("V3__backfill_slug.sql", "UPDATE items SET slug = lower(name)"
                + " WHERE id IN (SELECT id FROM items WHERE slug IS NULL ORDER BY id LIMIT 1000);");
        migrations.put("V4__require_slug.sql", "ALTER TABLE items ALTER COLUMN slug SET NOT NULL;");
        Path jar = plugin("plugin.id=items\nplugin.migrations.batched=3\n", migrations);

        try (HikariDataSource pool = Database.pool(db, "test", 2)) {
            Migrations.migratePlugin(pool, "items", jar);
        }

        assertThat(TestDatabase.count(db, "SELECT count(*) FROM app.items WHERE slug = lower(name)")).isEqualTo(ITEMS);
        assertThat(TestDatabase.count(db, "SELECT max(version::int) FROM app.plugin_items_schema_history"
                + " WHERE success")).isEqualTo(4);
    }

    private Path plugin(String properties, Map<String, String> migrations) throws IOException {
        Path jar = dir.resolve("items.jar");
        try (OutputStream file = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(file)) {
            zip.putNextEntry(new ZipEntry("plugin.properties"));
            zip.write(properties.getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, String> migration : migrations.entrySet()) {
                zip.putNextEntry(new ZipEntry("migrations/items/" + migration.getKey()));
                zip.write(migration.getValue().getBytes(StandardCharsets.UTF_8));
            }
        }
        return jar;
    }
}
