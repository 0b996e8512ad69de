package dev.pitstop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.cli.NocobaseRelease.Holding;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a release made by {@code pitstop release nocobase} shares with the cached install: a cache laid out
 * as an install leaves it, with the files NocoBase writes as it runs; a release made from it; then those
 * files written in the release as NocoBase writes them, and the cache unchanged.
 */
class NocobaseReleaseTest {

    private static final String VERSION = "2.2.15";
    /** Files NocoBase 2.2.15 writes in its project directory (see Holding). */
    private static final List<String> WRITTEN = List.of("tsconfig.paths.json", "package.json", ".env.e2e",
            ".git/info/exclude", "node_modules/@nocobase/app/dist/client/index.html",
            "node_modules/@nocobase/app/dist/client/index.html.tpl", "storage/.pm2/dump.pm2",
            "storage/uploads/.gitkeep");
    private static final List<String> PACKAGES = List.of("node_modules/@nocobase/server/lib/index.js",
            "node_modules/@nocobase/app/dist/client/assets/app.js", "node_modules/lodash/lodash.js");

    @TempDir
    Path dir;

    @Test
    void onlyThePackagesNocobaseOnlyReadsAreLinked() {
        assertThat(Holding.of(Path.of("node_modules/lodash/lodash.js"))).isEqualTo(Holding.LINKED);
        assertThat(Holding.of(Path.of("node_modules"))).isEqualTo(Holding.LINKED);
        assertThat(Holding.of(Path.of("node_modules/@nocobase/app/dist/client/index.html"))).isEqualTo(Holding.COPIED);
        assertThat(Holding.of(Path.of("node_modules/@nocobase/app/dist/client/index.html.tpl")))
                .isEqualTo(Holding.COPIED);
        assertThat(Holding.of(Path.of("tsconfig.paths.json"))).isEqualTo(Holding.COPIED);
        assertThat(Holding.of(Path.of("storage/plugins/.npmignore"))).isEqualTo(Holding.COPIED);
        assertThat(Holding.of(Path.of("storage/logs"))).isEqualTo(Holding.LEFT_OUT);
        assertThat(Holding.of(Path.of("storage/logs/main/system_2026-11-30.log"))).isEqualTo(Holding.LEFT_OUT);
    }

    @Test
    void whatNocobaseWritesInTheReleaseLeavesTheCacheAsItWas() throws IOException {
        Path cache = dir.resolve("cache");
        Path installed = cache.resolve("nocobase").resolve(VERSION).resolve("app");
        for (String file : concat(WRITTEN, PACKAGES, List.of("storage/logs/main/system_2026-11-30.log"))) {
            write(installed.resolve(file), "as installed: " + file);
        }
        Files.writeString(installed.resolve(".env"), "APP_KEY=the-cache's\nDB_DIALECT=postgres\n");
        Files.createDirectories(installed.resolve("node_modules/.bin"));
        Files.createSymbolicLink(installed.resolve("node_modules/.bin/lodash"), Path.of("../lodash/lodash.js"));
        Files.createFile(cache.resolve("nocobase").resolve(VERSION).resolve(".pitstop-complete"));
        Path release = dir.resolve("release");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new NocobaseRelease(cache, new PrintStream(out, true, StandardCharsets.UTF_8)).make(VERSION, VERSION, release, null);

        Path app = release.resolve("app");
        for (String file : PACKAGES) {
            assertThat(Files.isSameFile(app.resolve(file), installed.resolve(file))).as(file).isTrue();
        }
        for (String file : WRITTEN) {
            assertThat(app.resolve(file)).as(file).hasContent("as installed: " + file);
            assertThat(Files.isSameFile(app.resolve(file), installed.resolve(file))).as(file).isFalse();
        }
        assertThat(Files.readSymbolicLink(app.resolve("node_modules/.bin/lodash"))).isEqualTo(Path.of("../lodash/lodash.js"));
        assertThat(app.resolve("storage/logs")).doesNotExist();
        assertThat(Files.readString(app.resolve(".env"))).isEqualTo("DB_DIALECT=postgres\n");

        // As NocoBase's CLI and server write them: in place, through a hard link if there were one.
        for (String file : WRITTEN) {
            Files.writeString(app.resolve(file), "written by a node");
        }
        write(app.resolve("storage/logs/main/system_2026-12-01.log"), "a node's log");
        for (String file : WRITTEN) {
            assertThat(installed.resolve(file)).as(file).hasContent("as installed: " + file);
        }
        assertThat(Files.readString(installed.resolve(".env"))).isEqualTo("APP_KEY=the-cache's\nDB_DIALECT=postgres\n");
        assertThat(installed.resolve("storage/logs/main/system_2026-12-01.log")).doesNotExist();
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        return java.util.Arrays.stream(lists).flatMap(List::stream).toList();
    }
}
