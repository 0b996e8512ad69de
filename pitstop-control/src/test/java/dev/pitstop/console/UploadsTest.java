package dev.pitstop.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pitstop.procedure.MigrationApply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadsTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final Instant OLD = NOW.minus(Sessions.LIFETIME).minusSeconds(60);
    private static final Instant RECENT = NOW.minus(Sessions.LIFETIME).plusSeconds(60);

    @TempDir
    Path uploads;

    @Test
    void leftoversOlderThanASessionGoUnlessTheJournalNamesThem() throws IOException {
        Path unapplied = file("20260101-010000-aaaa-shop.migration", OLD);
        Path applied = file("20260101-010000-bbbb-shop.migration", OLD);
        Path ofALiveSession = file("20260101-040000-cccc-shop.migration", RECENT);
        Path pluginDir = Files.createDirectory(uploads.resolve("plugin-123"));
        file("plugin-123/plugin.jar", OLD);
        Files.setLastModifiedTime(pluginDir, FileTime.from(OLD));
        Uploads cleaner = new Uploads(uploads, Clock.fixed(NOW, ZoneOffset.UTC),
                () -> Set.of(applied.toAbsolutePath()));

        assertThat(cleaner.removeLeftovers()).isEqualTo(2);

        assertThat(unapplied).doesNotExist();
        assertThat(pluginDir).doesNotExist();
        assertThat(applied).exists();
        assertThat(ofALiveSession).exists();
        assertThat(cleaner.removeLeftovers()).isZero();
    }

    @Test
    void noUploadsDirectoryYetIsNothingToClean() {
        assertThat(new Uploads(uploads.resolve("uploads"), Clock.systemUTC(), Set::of).removeLeftovers()).isZero();
    }

    /** The journal keeps a migration apply's parameters as Jackson writes them: its file as a file: URI. */
    @Test
    void theJournaledFileOfAMigrationApplyIsReadBackAsItsPath() {
        Path file = uploads.resolve("20260101-010000-bbbb-shop copy.migration");
        JsonNode params = new ObjectMapper().valueToTree(new MigrationApply.Params(file, uploads.resolve("b.backup"),
                false, null, List.of()));

        assertThat(Uploads.files(List.of(params))).containsExactly(file.toAbsolutePath().normalize());
    }

    private Path file(String name, Instant modified) throws IOException {
        Path file = Files.writeString(uploads.resolve(name), "x");
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }
}
