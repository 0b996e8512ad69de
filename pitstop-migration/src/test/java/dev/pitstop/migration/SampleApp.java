package dev.pitstop.migration;

import dev.pitstop.control.ControlSchema;
import dev.pitstop.db.DbSettings;
import dev.pitstop.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A database laid out as a Pitstop node leaves it — the control schema with an installed release,
 * the core's tables, the demo's items and comments — built with SQL, so that the engine is tested
 * without node processes.
 */
final class SampleApp {

    /** The key pair the tests' source clusters sign with; their targets accept it. */
    static final KeyPair SIGNING = newKeyPair();

    private SampleApp() {
    }

    /** Options that accept files signed with {@link #SIGNING}, and nothing else set. */
    static Migrations.Options options() {
        return Migrations.Options.accepting(List.of(SIGNING.getPublic()));
    }

    private static KeyPair newKeyPair() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is part of every Java runtime since 15", e);
        }
    }

    /** A new database at {@code release}, with plugins items 1.1.0 and comments 1.0.0 installed. */
    static DbSettings create(String release) {
        return create(TestDatabase.create(), release);
    }

    /** The sample application in {@code db}, made by its user. */
    static DbSettings create(DbSettings db, String release) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(db.url());
        dataSource.setUser(db.user());
        dataSource.setPassword(db.password());
        ControlSchema.migrate(dataSource);
        TestDatabase.execute(db, """
                INSERT INTO pitstop.installations (kind, release_version, node_id, completed_at)
                    VALUES ('install', '%s', 'node-1', now());
                CREATE SCHEMA app;
                CREATE TABLE app.plugins (id text PRIMARY KEY, version text NOT NULL, enabled boolean NOT NULL,
                    installed_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),
                    file text, installed boolean NOT NULL DEFAULT true);
                INSERT INTO app.plugins (id, version, enabled) VALUES ('items', '1.1.0', true), ('comments', '1.0.0', true);
                CREATE TABLE app.settings (key text PRIMARY KEY, value text NOT NULL);
                INSERT INTO app.settings VALUES ('site.title', 'Pitstop demo');
                CREATE TABLE app.environment (name text PRIMARY KEY, value text NOT NULL, secret boolean NOT NULL DEFAULT false);
                CREATE TABLE app.items (id bigserial PRIMARY KEY, name text NOT NULL, sku text,
                    created_at timestamptz NOT NULL DEFAULT now());
                CREATE UNIQUE INDEX items_sku_key ON app.items (sku);
                CREATE TABLE app.comments (id bigserial PRIMARY KEY,
                    item_id bigint NOT NULL REFERENCES app.items (id) ON DELETE CASCADE, text text NOT NULL);
                """.formatted(release));
        return db;
    }

    /** A plugin jar with only its descriptor, declaring its tables. */
    static Path pluginJar(Path dir, String id, String configuration, String data) {
        Path jar = dir.resolve(id + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("plugin.properties"));
            out.write(("plugin.id=" + id + "\nplugin.version=1.0.0\n"
                    + (configuration == null ? "" : Declarations.CONFIGURATION_KEY + "=" + configuration + "\n")
                    + (data == null ? "" : Declarations.DATA_KEY + "=" + data + "\n")).getBytes());
            out.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jar;
    }
}
