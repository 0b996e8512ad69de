package dev.pitstop.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The home of a stopped cluster, made once per test JVM and copied into each case's home, for a class
 * whose cases each need a cluster of their own: starting the copy skips the first start's initdb,
 * install and plugin activation, while the case still starts its own supervisor, database and nodes.
 *
 * <p>A copy is the same cluster moved: everything in a home is found relative to it or written again at
 * every start — cluster.json (URLs, the database's port, the token and password files), the nodes'
 * configurations, the database server's options ({@code postmaster.opts}) — and the database was shut
 * down cleanly (no {@code postmaster.pid} is left), so its copied files are consistent. The copies share
 * the template's tokens, keys and database password, which no case compares across clusters.
 */
final class HomeTemplate {

    private static final Map<String, Path> TEMPLATES = new HashMap<>();

    private HomeTemplate() {
    }

    /** Copies into {@code home} the home of a stopped cluster of {@code nodes} nodes of demo {@code release}. */
    static synchronized void copy(int nodes, String release, Path home) throws Exception {
        Path template = TEMPLATES.get(nodes + "-" + release);
        if (template == null) {
            template = make(nodes, release);
            TEMPLATES.put(nodes + "-" + release, template);
        }
        copyTree(template, home);
    }

    private static Path make(int nodes, String release) throws Exception {
        Path dir = Files.createTempDirectory("pitstop-home-template-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir), "delete " + dir));
        Path home = dir.resolve("home");
        CliCluster.up(home, nodes, release).close();
        assertThat(home.resolve("db").resolve("postmaster.pid"))
                .as("the template's database was stopped cleanly, so its files can be copied").doesNotExist();
        // The template's own logs would read as the case's.
        deleteTree(home.resolve("logs"));
        return home;
    }

    /** With permissions (the database refuses a data directory others may read; tokens must be 0600) and links as links. */
    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                Path target = to.resolve(from.relativize(dir).toString());
                if (!Files.isDirectory(target)) {
                    Files.copy(dir, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES,
                        LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
