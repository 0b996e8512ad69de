package dev.pitstop.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.db.DbSettings;
import dev.pitstop.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The differential test against pg_dump, the oracle: each fixture is backed up, restored into an
 * empty database, and pg_dump's schema of both must be the same, as must every table's rows and
 * every sequence's state.
 */
class FidelityTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"kinds.sql", "extensions.sql", "rentals.sql"})
    void aRestoredDatabaseIsTheSameToPgDump(String fixture) throws IOException {
        DbSettings source = TestDatabase.create();
        PostgresClient.script(source, fixture(fixture));
        Path file = Backups.create(source, dir.resolve("fidelity.backup"), BackupOptions.defaults()).file();

        DbSettings target = TestDatabase.create();
        Backups.restore(target, file, RestoreOptions.forRelease("1.0.0"));

        List<String> expected = PostgresClient.schema(source);
        assertThat(expected).as("pg_dump of the fixture").anyMatch(line -> line.startsWith("CREATE TABLE"));
        assertThat(PostgresClient.schema(target)).containsExactlyElementsOf(expected);
        assertThat(Fingerprint.of(target, null).differences(Fingerprint.of(source, null))).isEmpty();
    }

    static Path fixture(String name) {
        try {
            return Path.of(FidelityTest.class.getResource("/fidelity/" + name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What each role may do, asked of PostgreSQL, must be the same after a round trip; in
     * particular a SECURITY DEFINER function keeps EXECUTE revoked from PUBLIC.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "kinds.sql   | kinds_writer EXECUTE shop.secret_total()=false",
            "rentals.sql | rental_readonly EXECUTE public.rewards_report(min_monthly_purchases integer, min_dollar_amount_purchased numeric)=false"})
    void everyRoleMayDoTheSameAfterARoundTrip(String fixture, String revoked) {
        DbSettings source = TestDatabase.create();
        PostgresClient.script(source, fixture(fixture));
        Path file = Backups.create(source, dir.resolve("privileges.backup"), BackupOptions.defaults()).file();
        DbSettings target = TestDatabase.create();
        Backups.restore(target, file, RestoreOptions.forRelease("1.0.0"));

        List<String> before = TestDatabase.pairs(source, PRIVILEGES);
        assertThat(before).contains(revoked);
        assertThat(TestDatabase.pairs(target, PRIVILEGES)).containsExactlyElementsOf(before);
    }

    /** has_*_privilege for every role of the fixtures, on every application object. */
    private static final String PRIVILEGES = """
            WITH roles AS (SELECT rolname FROM pg_roles WHERE rolname LIKE 'kinds\\_%' OR rolname LIKE 'rental\\_%'),
            app AS (SELECT oid, nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema')
            SELECT r.rolname || ' ' || p || ' ' || format('%I.%I', app.nspname, c.relname),
                   has_table_privilege(r.rolname, c.oid, p)::text
              FROM roles r, app JOIN pg_class c ON c.relnamespace = app.oid,
                   unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) p
             WHERE c.relkind IN ('r', 'p', 'v', 'm')
            UNION ALL
            SELECT r.rolname || ' ' || p || ' ' || format('%I.%I.%I', app.nspname, c.relname, a.attname),
                   has_column_privilege(r.rolname, c.oid, a.attnum, p)::text
              FROM roles r, app JOIN pg_class c ON c.relnamespace = app.oid JOIN pg_attribute a ON a.attrelid = c.oid,
                   unnest(ARRAY['SELECT', 'UPDATE']) p
             WHERE c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
            UNION ALL
            SELECT r.rolname || ' EXECUTE ' || format('%I.%I(%s)', app.nspname, f.proname, pg_get_function_identity_arguments(f.oid)),
                   has_function_privilege(r.rolname, f.oid, 'EXECUTE')::text
              FROM roles r, app JOIN pg_proc f ON f.pronamespace = app.oid
            UNION ALL
            SELECT r.rolname || ' ' || p || ' ' || quote_ident(app.nspname), has_schema_privilege(r.rolname, app.oid, p)::text
              FROM roles r, app, unnest(ARRAY['USAGE', 'CREATE']) p
            UNION ALL
            SELECT r.rolname || ' ' || p || ' ' || format('%I.%I', app.nspname, c.relname), has_sequence_privilege(r.rolname, c.oid, p)::text
              FROM roles r, app JOIN pg_class c ON c.relnamespace = app.oid, unnest(ARRAY['USAGE', 'SELECT', 'UPDATE']) p
             WHERE c.relkind = 'S'
            ORDER BY 1
            """;
}
