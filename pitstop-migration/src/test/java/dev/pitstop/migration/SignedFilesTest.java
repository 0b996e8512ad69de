package dev.pitstop.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pitstop.backup.Fingerprint;
import dev.pitstop.backup.PasswordSource;
import dev.pitstop.backup.format.BackupReader;
import dev.pitstop.backup.format.FileType;
import dev.pitstop.db.DbSettings;
import dev.pitstop.testing.TestDatabase;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A target runs only files signed by a key it accepts, and checks them as a role that cannot leave
 * the database. The source adds a table, app.labels, so a file that ran would leave it behind.
 */
class SignedFilesTest {

    @TempDir
    Path dir;

    private DbSettings target;
    private Path file;
    private Fingerprint before;

    @BeforeEach
    void clusters() {
        DbSettings source = SampleApp.create("1.1.0");
        TestDatabase.execute(source, "CREATE TABLE app.labels (code text PRIMARY KEY, title text); "
                + "INSERT INTO app.labels VALUES ('a', 'A')");
        target = SampleApp.create("1.1.0");
        file = Migrations.create(source, dir.resolve("m.migration"), Map.of("app.labels", Rule.OVERWRITE), List.of(),
                SampleApp.SIGNING).file();
        before = Fingerprint.of(target, null);
    }

    @Test
    void theSignedFileRuns() {
        Migrations.check(target, file, SampleApp.options());
        assertThat(TestDatabase.pairs(target, "SELECT 'labels', to_regclass('app.labels') IS NULL"))
                .as("check changes nothing").containsExactly("labels=t");

        Migrations.apply(target, file, SampleApp.options(), null);

        assertThat(TestDatabase.pairs(target, "SELECT code, title FROM app.labels")).containsExactly("a=A");
    }

    @Test
    void aFileEditedAndSealedAgainIsRefusedBeforeAnySqlRuns() throws Exception {
        Path edited = Resealer.reseal(file, dir.resolve("edited.migration"),
                labelsTable(sql -> sql.replace("(", "(planted text, ")), null);
        try (BackupReader reader = BackupReader.open(edited, Files.size(edited) - 124, FileType.MIGRATION,
                PasswordSource.NONE)) {
            assertThat(reader.verify().entries()).as("sealed again: sound as a file").isNotEmpty();
        }

        assertRefusedWithNothingRun(edited, SampleApp.options(), "does not match its signature: it was changed after "
                + "the cluster with key " + MigrationKeys.fingerprint(SampleApp.SIGNING.getPublic()) + " signed it");
    }

    @Test
    void aFileSignedByAKeyTheTargetDoesNotTrustIsRefused() throws Exception {
        KeyPair stranger = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path foreign = Resealer.reseal(file, dir.resolve("foreign.migration"), plan -> { }, stranger);

        assertRefusedWithNothingRun(foreign, SampleApp.options(), "is signed by the key "
                + MigrationKeys.fingerprint(stranger.getPublic()) + ", which this cluster does not trust");
        Migrations.check(target, foreign, Migrations.Options.accepting(List.of(stranger.getPublic())));
    }

    @Test
    void aKeyNoLongerTrustedIsRefusedAgain() throws Exception {
        KeyPair source = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path signed = Resealer.reseal(file, dir.resolve("signed.migration"), plan -> { }, source);
        Path pem = Files.writeString(dir.resolve("source.pub"), MigrationKeys.pem(source.getPublic()));
        MigrationKeys keys = new MigrationKeys(dir.resolve("keys"));
        String fingerprint = keys.trust(pem).fingerprint();
        Migrations.check(target, signed, Migrations.Options.accepting(keys.accepted()));

        assertThat(keys.untrust(fingerprint).fingerprint()).isEqualTo(fingerprint);

        assertThat(keys.trusted()).isEmpty();
        assertRefusedWithNothingRun(signed, Migrations.Options.accepting(keys.accepted()), "is signed by the key "
                + fingerprint + ", which this cluster does not trust");
        assertThatThrownBy(() -> keys.untrust(pem.toString())).isInstanceOf(InvalidMigrationException.class)
                .hasMessage(fingerprint + " is not among the keys this cluster trusts; 'pitstop migration keys' "
                        + "lists them");
        String own = MigrationKeys.fingerprint(keys.keyPair().getPublic());
        assertThatThrownBy(() -> keys.untrust(own)).isInstanceOf(InvalidMigrationException.class)
                .hasMessageContaining("is this cluster's own key");
    }

    @Test
    void anUnsignedFileIsRefused() throws Exception {
        Path unsigned = Files.copy(file, dir.resolve("unsigned.migration"));
        try (RandomAccessFile raw = new RandomAccessFile(unsigned.toFile(), "rw")) {
            raw.setLength(raw.length() - 124);
        }

        assertRefusedWithNothingRun(unsigned, SampleApp.options(), unsigned + " is not signed");
    }

    /**
     * A source the target trusts, gone bad: its DDL leaves whatever role it runs as, then runs a
     * program on the database server. The target's user is a superuser, so the check runs the
     * file on a copy, logged in as a role made for it.
     */
    @Test
    void checkRunsTheFileAsARoleThatCannotRunAProgram() throws Exception {
        Path ran = dir.resolve("program-ran");
        Path armed = Resealer.reseal(file, dir.resolve("armed.migration"), labelsTable(sql -> sql
                + "; RESET ROLE; COPY (SELECT 1) TO PROGRAM 'touch " + ran + "'"), SampleApp.SIGNING);

        assertThatThrownBy(() -> Migrations.check(target, armed, SampleApp.options()))
                .isInstanceOf(MigrationRefusedException.class)
                .hasMessageContaining("pg_execute_server_program");

        assertThat(ran).doesNotExist();
        assertThat(Fingerprint.of(target, null).differences(before)).isEmpty();
        assertThat(TestDatabase.pairs(target, "SELECT 'check roles', count(*) FROM pg_roles "
                + "WHERE rolname LIKE 'pitstop_check_%'")).as("the role went with the check")
                .containsExactly("check roles=0");
        assertThat(TestDatabase.pairs(target, "SELECT 'copies', count(*) FROM pg_database "
                + "WHERE datname LIKE 'pitstop_replay_%'")).as("the copy went with the check")
                .containsExactly("copies=0");
    }

    /**
     * A cluster given by --db-url whose user owns the application but is no superuser: the check
     * runs the file in place, in a transaction rolled back, and the user cannot run a program either.
     */
    @Test
    void checkAsADatabaseUserWithoutSuperuserRightsRunsNoProgram() throws Exception {
        DbSettings server = TestDatabase.create();
        TestDatabase.execute(server, "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_owner')"
                + " THEN CREATE ROLE app_owner LOGIN; END IF; END $$");
        TestDatabase.execute(server, "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I OWNER TO app_owner',"
                + " current_database()); END $$; ALTER SCHEMA public OWNER TO app_owner");
        DbSettings limited = SampleApp.create(server.as("app_owner", null), "1.1.0");
        Fingerprint untouched = Fingerprint.of(limited, null);
        Path ran = dir.resolve("program-ran");
        Path armed = Resealer.reseal(file, dir.resolve("armed.migration"), labelsTable(sql -> sql
                + "; RESET ROLE; COPY (SELECT 1) TO PROGRAM 'touch " + ran + "'"), SampleApp.SIGNING);

        Migrations.check(limited, file, SampleApp.options());
        assertThatThrownBy(() -> Migrations.check(limited, armed, SampleApp.options()))
                .isInstanceOf(MigrationRefusedException.class)
                .hasMessageContaining("pg_execute_server_program");

        assertThat(ran).doesNotExist();
        assertThat(Fingerprint.of(limited, null).differences(untouched)).isEmpty();
    }

    private void assertRefusedWithNothingRun(Path refused, Migrations.Options options, String reason) {
        assertThatThrownBy(() -> Migrations.check(target, refused, options))
                .isInstanceOf(MigrationRefusedException.class).hasMessageContaining(reason);
        assertThatThrownBy(() -> Migrations.apply(target, refused, options, null))
                .isInstanceOf(MigrationRefusedException.class).hasMessageContaining(reason);
        // The file's DDL would have made app.labels, and apply logs even a failure: neither happened.
        assertThat(TestDatabase.pairs(target, "SELECT 'labels', to_regclass('app.labels') IS NULL"))
                .containsExactly("labels=t");
        assertThat(TestDatabase.pairs(target, "SELECT 'logged', count(*) FROM pitstop.migration_log"))
                .containsExactly("logged=0");
        assertThat(Fingerprint.of(target, null).differences(before)).isEmpty();
    }

    /** An edit of the plan: the statement that creates app.labels, changed by {@code change}. */
    private static Consumer<ObjectNode> labelsTable(UnaryOperator<String> change) {
        return plan -> {
            for (JsonNode ddl : plan.get("definitions").get("beforeData")) {
                String sql = ddl.get("sql").asText();
                if (sql.startsWith("CREATE TABLE app.labels")) {
                    ((ObjectNode) ddl).put("sql", change.apply(sql));
                    return;
                }
            }
            throw new AssertionError("no CREATE TABLE app.labels in the plan: " + plan);
        };
    }
}
