package dev.pitstop.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real JVMs record and map the archive; {@code -Xshare:on} makes a JVM fail rather than run without it. */
class ClassDataArchiveTest {

    @TempDir
    Path dir;

    @Test
    void aDirectoryOthersMayWriteIsNotUsed() throws Exception {
        Path lib = lib("a.jar");
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        ClassDataArchive archive = ClassDataArchive.in(shared, "test", List.of(lib));

        assertThat(archive.launch()).isEqualTo(ClassDataArchive.Launch.NONE);

        Path planted = ClassDataArchive.in(dir.resolve("cds"), "test", List.of(lib)).launch().recording();
        assertThat(planted).isNotNull();
        Files.setPosixFilePermissions(planted.getParent(),
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.writeString(planted.resolveSibling(archiveName(planted)), "an archive another account wrote");
        assertThat(ClassDataArchive.in(dir.resolve("cds"), "test", List.of(lib)).reuse())
                .as("an archive in a directory others may write is not mapped").isEqualTo(ClassDataArchive.Launch.NONE);
    }

    /** The archive's name, from the name of the file a launch records it to. */
    private static String archiveName(Path recording) {
        String name = recording.getFileName().toString();
        return name.substring(0, name.indexOf(".jsa") + 4);
    }

    @Test
    void theFirstCleanExitRecordsTheArchiveThatLaterLaunchesMap() throws Exception {
        Path lib = lib("a.jar");
        ClassDataArchive archive = ClassDataArchive.in(dir.resolve("cds"), "test", List.of(lib));

        ClassDataArchive.Launch first = archive.launch();
        assertThat(archive.launch()).as("while the first records, others run without").isEqualTo(ClassDataArchive.Launch.NONE);
        assertThat(java(first, lib)).isZero();
        first.exited(true);

        ClassDataArchive.Launch next = archive.launch();
        assertThat(next.jvmOptions()).singleElement().asString().startsWith("-XX:SharedArchiveFile=");
        List<String> shareOn = new ArrayList<>(next.jvmOptions());
        shareOn.add("-Xshare:on");
        assertThat(java(new ClassDataArchive.Launch(shareOn, null, null), lib)).isZero();
        assertThat(archives()).hasSize(1);
        assertThat(Files.readString(classPathOf(archives().get(0)))).isEqualTo(lib + "\n");
    }

    @Test
    void aLaunchThatDidNotExitCleanlyKeepsNothingAndTheNextRecordsAgain() throws Exception {
        Path lib = lib("a.jar");
        ClassDataArchive archive = ClassDataArchive.in(dir.resolve("cds"), "test", List.of(lib));

        ClassDataArchive.Launch killed = archive.launch();
        assertThat(java(killed, lib)).isZero();
        killed.exited(false);

        assertThat(files()).isEmpty();
        assertThat(archive.launch().jvmOptions()).anyMatch(option -> option.startsWith("-XX:ArchiveClassesAtExit="));
    }

    @Test
    void changedJarsGetANewArchiveAndTheOldOneGoes() throws Exception {
        Path lib = lib("a.jar");
        ClassDataArchive before = ClassDataArchive.in(dir.resolve("cds"), "test", List.of(lib));
        ClassDataArchive.Launch first = before.launch();
        assertThat(java(first, lib)).isZero();
        first.exited(true);
        List<Path> old = files();

        lib("b.jar");
        ClassDataArchive after = ClassDataArchive.in(dir.resolve("cds"), "test", List.of(lib));
        ClassDataArchive.Launch recording = after.launch();
        assertThat(recording.jvmOptions()).anyMatch(option -> option.startsWith("-XX:ArchiveClassesAtExit="));
        assertThat(java(recording, lib)).isZero();
        recording.exited(true);

        assertThat(archives()).hasSize(1).doesNotContainAnyElementsOf(old);
        assertThat(files()).as("the new archive and its class path").hasSize(2);
    }

    @Test
    void keepingAnArchiveDeletesThoseOfClassPathsThatAreGoneAndRecordingsLeftByADeadProcess() throws Exception {
        Path cds = dir.resolve("cds");
        Path deletedRelease = lib("deleted-release", "a.jar");
        Path otherCluster = lib("other-cluster", "a.jar");
        Path ofDeleted = keep(ClassDataArchive.in(cds, "node", List.of(deletedRelease)));
        Path ofOther = keep(ClassDataArchive.in(cds, "node", List.of(otherCluster)));
        Path unknownClassPath = Files.writeString(cds.resolve("node-0123456789abcdef-0123456789abcdef.jsa"),
                "an archive of a Pitstop that did not write its class path beside it");
        Path abandoned = Files.writeString(cds.resolve("node-0123456789abcdef-0123456789abcdef.jsa.1.tmp"),
                "a recording whose process died");
        Files.setLastModifiedTime(abandoned, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        Path recording = Files.writeString(cds.resolve("node-0123456789abcdef-0123456789abcdef.jsa.2.tmp"),
                "a recording being written");
        Files.delete(deletedRelease.resolve("a.jar"));
        Files.delete(deletedRelease);

        Path ofNew = keep(ClassDataArchive.in(cds, "node", List.of(lib("new-release", "a.jar"))));

        assertThat(archives()).containsExactlyInAnyOrder(ofOther, ofNew);
        assertThat(classPathOf(ofDeleted)).doesNotExist();
        assertThat(classPathOf(ofOther)).exists();
        assertThat(unknownClassPath).doesNotExist();
        assertThat(abandoned).doesNotExist();
        assertThat(recording).exists();
    }

    /** Keeps an archive as a launch that exited cleanly does, without a JVM: its content does not matter here. */
    private static Path keep(ClassDataArchive archive) throws IOException {
        ClassDataArchive.Launch launch = archive.launch();
        Files.writeString(launch.recording(), "class data");
        launch.exited(true);
        String option = archive.reuse().jvmOptions().get(0);
        return Path.of(option.substring(option.indexOf('=') + 1));
    }

    private static Path classPathOf(Path archive) {
        return archive.resolveSibling(archive.getFileName().toString().replace(".jsa", ".classpath"));
    }

    /** A class path directory holding one more (empty) jar; CDS takes jars only, not class directories. */
    private Path lib(String jar) throws IOException {
        return lib("lib", jar);
    }

    private Path lib(String name, String jar) throws IOException {
        Path lib = Files.createDirectories(dir.resolve(name));
        try (OutputStream file = Files.newOutputStream(lib.resolve(jar));
             JarOutputStream ignored = new JarOutputStream(file, new Manifest())) {
            // A manifest only.
        }
        return lib;
    }

    private static int java(ClassDataArchive.Launch sharing, Path lib) throws Exception {
        List<String> command = sharing.apply(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", lib.resolve("*").toString(), "-version"));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor();
    }

    private List<Path> archives() throws IOException {
        return files().stream().filter(file -> file.toString().endsWith(".jsa")).toList();
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("cds"))) {
            return files.toList();
        }
    }
}
