package dev.pitstop.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.db.DbSettings;
import dev.pitstop.testing.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Owners and grantees are carried by name: a restore onto a server that lacks some is refused
 * before anything changes, unless owners and privileges are left out, as pg_restore's
 * {@code --no-owner} and {@code --no-privileges} leave them out.
 */
class RolesTest {

    @TempDir
    Path dir;

    @Test
    void aServerWithoutTheBackupsRolesIsRefusedUnlessOwnersAndPrivilegesAreLeftOut() {
        DbSettings source = TestDatabase.create();
        TestDatabase.execute(source, """
                CREATE ROLE roles_test_owner;
                CREATE ROLE roles_test_reader;
                CREATE SCHEMA app;
                CREATE TABLE app.items (id int PRIMARY KEY, name text);
                INSERT INTO app.items VALUES (1, 'spanner');
                ALTER TABLE app.items OWNER TO roles_test_owner;
                GRANT SELECT ON app.items TO roles_test_reader;
                """);
        Path file = Backups.create(source, dir.resolve("roles.backup"), BackupOptions.defaults()).file();
        TestDatabase.execute(source, "DROP SCHEMA app CASCADE; DROP ROLE roles_test_owner; DROP ROLE roles_test_reader");
        DbSettings target = TestDatabase.create();
        TestDatabase.execute(target, "CREATE SCHEMA app; CREATE TABLE app.items (id int); INSERT INTO app.items VALUES (7)");

        assertThatThrownBy(() -> Backups.restore(target, file, RestoreOptions.forRelease("1.0.0")))
                .isInstanceOf(RestoreRefusedException.class)
                .hasMessageContaining("this server lacks roles the backup names: roles_test_owner, roles_test_reader;")
                .hasMessageContaining("--no-owner and --no-privileges");
        assertThat(TestDatabase.count(target, "SELECT id FROM app.items")).as("nothing changed").isEqualTo(7);
        assertThatThrownBy(() -> Backups.restore(target, file, RestoreOptions.forRelease("1.0.0").withoutPrivileges()))
                .hasMessageContaining("lacks roles the backup names: roles_test_owner;");

        Backups.restore(target, file, RestoreOptions.forRelease("1.0.0").withoutOwners().withoutPrivileges());

        assertThat(TestDatabase.pairs(target, "SELECT name, pg_get_userbyid(relowner) FROM app.items,"
                + " pg_class WHERE oid = 'app.items'::regclass")).containsExactly("spanner=postgres");
    }
}
