package dev.pitstop.supervisor;

import dev.pitstop.home.UserCache;
import dev.pitstop.secret.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Class data sharing (AppCDS) for a JVM that Pitstop launches again and again from the same jars: a
 * node of Pitstop's runtime loads and verifies thousands of classes at every start, 40 % of the CPU
 * its start costs. The first launch records the classes it loaded into an archive as it exits; once
 * it exited cleanly the archive is kept, and later launches map it instead (on a loaded two-core
 * machine a node then starts with 3.9 s of CPU instead of 6.4 s, and is ready 7 s sooner), which
 * shortens every upgrade's downtime.
 *
 * <p>The archive is named by the jars (paths, sizes, times) and the JVM, so a changed release or JDK
 * gets a new one and the old one is deleted. Beside it, a file names its class path's directories: when
 * they are gone (a deleted release), so is the archive ({@link #prune}). Without an archive — the first
 * launch, another launch recording it, a cache that cannot be written — a launch runs as it always did;
 * and the JVM itself ignores an archive that does not match its class path ({@code -Xshare:auto}).
 */
public final class ClassDataArchive {

    private static final Logger log = LoggerFactory.getLogger(ClassDataArchive.class);
    /** Archives being recorded by a launch of this process: one launch records, the others run without. */
    private static final Set<Path> RECORDING = ConcurrentHashMap.newKeySet();
    private static final String SUFFIX = ".jsa";
    /** Beside each archive, its class path: the directories, one a line. */
    private static final String CLASS_PATH_SUFFIX = ".classpath";
    private static final String RECORDING_SUFFIX = ".tmp";
    /** A JVM writes its recording as it exits, in seconds: one this old was left by a process that died. */
    private static final Duration ABANDONED = Duration.ofDays(1);

    private final Path archive;
    /** The name every archive of this class path starts with, whatever jars and JVM it was made with. */
    private final String prefix;
    /** The class path's directories, one a line. */
    private final String location;

    private ClassDataArchive(Path archive, String prefix, String location) {
        this.archive = archive;
        this.prefix = prefix;
        this.location = location;
    }

    /**
     * The archive of a class path in the user's cache ({@link UserCache}).
     *
     * @param name      what launches it, for the file's name: "node", "cli"
     * @param classPath the directories whose jars are the class path (as {@code DIR/*})
     */
    public static ClassDataArchive inUserCache(String name, List<Path> classPath) {
        return in(UserCache.dir(System.getenv()).resolve("cds"), name, classPath);
    }

    /** The same in {@code dir}. */
    public static ClassDataArchive in(Path dir, String name, List<Path> classPath) {
        StringBuilder location = new StringBuilder();
        StringBuilder content = new StringBuilder(System.getProperty("java.home") + "\n"
                + System.getProperty("java.vm.version") + "\n");
        for (Path entry : classPath) {
            location.append(entry.toAbsolutePath().normalize()).append('\n');
            for (Path jar : jars(entry)) {
                try {
                    content.append(jar.getFileName()).append(' ').append(Files.size(jar)).append(' ')
                            .append(Files.getLastModifiedTime(jar).toMillis()).append('\n');
                } catch (IOException e) {
                    content.append(jar.getFileName()).append(" unreadable\n");
                }
            }
        }
        String prefix = name + "-" + sha256(location.toString()) + "-";
        return new ClassDataArchive(dir.resolve(prefix + sha256(content.toString()) + SUFFIX), prefix,
                location.toString());
    }

    /** What one launch adds to the JVM's options, and what to do once it exited. */
    public Launch launch() {
        if (Files.isRegularFile(archive)) {
            return reuse();
        }
        if (!RECORDING.add(archive)) {
            return Launch.NONE;
        }
        try {
            PrivateFiles.createDirectories(archive.getParent());
        } catch (IOException e) {
            RECORDING.remove(archive);
            log.warn("Cannot create {} for class data archives; JVMs start without one: {}", archive.getParent(),
                    e.getMessage());
            return Launch.NONE;
        }
        if (!isPrivate(archive.getParent())) {
            RECORDING.remove(archive);
            return Launch.NONE;
        }
        Path recording = archive.resolveSibling(archive.getFileName() + "." + UUID.randomUUID() + RECORDING_SUFFIX);
        // The JVM warns of every class it cannot archive (old class file versions): not news for the log.
        return new Launch(List.of("-XX:ArchiveClassesAtExit=" + recording, "-Xlog:cds*=off"), this, recording);
    }

    /** The archive if there is one, for a launch that may not exit cleanly (one that is killed): it records none. */
    public Launch reuse() {
        return Files.isRegularFile(archive) && isPrivate(archive.getParent())
                ? new Launch(List.of("-XX:SharedArchiveFile=" + archive), null, null) : Launch.NONE;
    }

    /**
     * Whether only this user can put files in {@code dir}. The JVM maps an archive's class data as the
     * classes themselves, so an archive planted by another local account (a shared {@code $PITSTOP_CACHE})
     * would run its code in every node: such a directory is not used, and the log says why.
     */
    private static boolean isPrivate(Path dir) {
        try {
            PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            boolean othersWrite = attributes.permissions().contains(PosixFilePermission.GROUP_WRITE)
                    || attributes.permissions().contains(PosixFilePermission.OTHERS_WRITE);
            boolean mine = attributes.owner().getName().equals(System.getProperty("user.name"));
            if (attributes.isDirectory() && mine && !othersWrite) {
                return true;
            }
            log.warn("Not using class data archives in {}: it must be a directory of {} that no one else may write "
                    + "(chmod 700 it, or point $PITSTOP_CACHE elsewhere); JVMs start without one", dir,
                    System.getProperty("user.name"));
            return false;
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("Not using class data archives in {}: cannot read its owner and mode: {}", dir, e.getMessage());
            return false;
        }
    }

    /**
     * The options of one launch.
     *
     * @param jvmOptions to add before the main class
     */
    public record Launch(List<String> jvmOptions, ClassDataArchive owner, Path recording) {

        /** Runs without class data sharing. */
        public static final Launch NONE = new Launch(List.of(), null, null);

        /** {@code command} (the java executable first) with these options after the executable. */
        public List<String> apply(List<String> command) {
            List<String> withOptions = new ArrayList<>(command.subList(0, 1));
            withOptions.addAll(jvmOptions);
            withOptions.addAll(command.subList(1, command.size()));
            return withOptions;
        }

        /**
         * After the JVM exited: a launch that recorded keeps its archive only when it exited {@code cleanly}
         * (a JVM killed while writing it leaves half a file).
         */
        public void exited(boolean cleanly) {
            if (recording == null) {
                return;
            }
            try {
                if (cleanly && Files.isRegularFile(recording) && Files.size(recording) > 0) {
                    // Its class path first: an archive without one is taken for an old version's and pruned.
                    owner.writeClassPath();
                    Files.move(recording, owner.archive, StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                    owner.deleteOthers();
                    owner.prune();
                } else {
                    Files.deleteIfExists(recording);
                }
            } catch (IOException e) {
                log.warn("Cannot keep the class data archive {}: {}", owner.archive, e.getMessage());
            } finally {
                RECORDING.remove(owner.archive);
            }
        }
    }

    /** Archives of the same class path made from other jars or another JVM: never used again. */
    private void deleteOthers() throws IOException {
        try (Stream<Path> files = Files.list(archive.getParent())) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String fileName = file.getFileName().toString();
                if (fileName.startsWith(prefix) && fileName.endsWith(SUFFIX) && !file.equals(archive)) {
                    Files.deleteIfExists(file);
                    Files.deleteIfExists(classPathOf(file));
                }
            }
        }
    }

    private void writeClassPath() throws IOException {
        Path file = classPathOf(archive);
        Path temp = file.resolveSibling(file.getFileName() + "." + UUID.randomUUID() + RECORDING_SUFFIX);
        Files.writeString(temp, location);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Deletes, whenever an archive is kept (that is, when the cache grows), the archives no launch will
     * map again: those whose class path has a directory that is gone, those of a Pitstop that did not
     * write the class path beside them, and recordings left by a process that died. Safe with clusters and
     * processes of this user sharing the cache: an archive goes only when a directory of its class path
     * surely does not exist (not merely unreadable), so no launch can run that class path; a JVM that
     * maps an archive keeps its mapping when the file is deleted; and a launch that finds no archive runs
     * without, then records one (so a class path that only another mount namespace sees, a container's
     * sharing the cache, costs that container one start without an archive). Age alone would keep a busy
     * machine's archives of deleted releases (tests make one per case) for as long as the age limit, and
     * delete a long-running cluster's.
     */
    private void prune() {
        Instant abandoned = Instant.now().minus(ABANDONED);
        try (Stream<Path> files = Files.list(archive.getParent())) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String fileName = file.getFileName().toString();
                try {
                    if (fileName.endsWith(SUFFIX) && classPathGone(classPathOf(file))) {
                        Files.deleteIfExists(file);
                        Files.deleteIfExists(classPathOf(file));
                    } else if (fileName.endsWith(RECORDING_SUFFIX)
                            && Files.getLastModifiedTime(file).toInstant().isBefore(abandoned)) {
                        Files.deleteIfExists(file);
                    }
                } catch (NoSuchFileException e) {
                    // Deleted meanwhile by another process pruning.
                }
            }
        } catch (IOException e) {
            log.warn("Cannot delete unused class data archives in {}: {}", archive.getParent(), e.getMessage());
        }
    }

    private static boolean classPathGone(Path classPath) throws IOException {
        if (!Files.exists(classPath)) {
            return true;
        }
        return Files.readAllLines(classPath).stream().anyMatch(dir -> Files.notExists(Path.of(dir)));
    }

    private static Path classPathOf(Path archive) {
        String fileName = archive.getFileName().toString();
        return archive.resolveSibling(fileName.substring(0, fileName.length() - SUFFIX.length()) + CLASS_PATH_SUFFIX);
    }

    private static List<Path> jars(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
