package dev.pitstop.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitstop.control.ProcedureJournal;
import dev.pitstop.control.ProcedureRecord;
import dev.pitstop.procedure.ProcedureKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's uploads directory ({@code HOME/uploads}) kept clean of what no session will use:
 * a session's checked migration file goes when the session ends, but a gateway that stopped (or
 * crashed) with sessions open leaves theirs behind, with any half-written upload. Every entry older
 * than a session's lifetime belongs to no live session, in this process or in another gateway
 * sharing the home (the replicas of the console on Kubernetes); of those, the files a migration's
 * journal names stay, as the journal points at them.
 */
final class Uploads {

    private static final Logger log = LoggerFactory.getLogger(Uploads.class);

    private final Path dir;
    private final Clock clock;
    private final Supplier<Set<Path>> journaled;

    /** @param journaled the files the journal names, as absolute paths */
    Uploads(Path dir, Clock clock, Supplier<Set<Path>> journaled) {
        this.dir = dir;
        this.clock = clock;
        this.journaled = journaled;
    }

    /** The files in {@code dir} that the journaled migration applies ran. */
    static Supplier<Set<Path>> namedByJournal(DataSource controlDb) {
        ProcedureJournal journal = new ProcedureJournal(controlDb);
        return () -> files(journal.latest(new ProcedureJournal.Filter(ProcedureKind.MIGRATION_APPLY.label(), null,
                null, null), Integer.MAX_VALUE).stream().map(ProcedureRecord::params).toList());
    }

    /** The {@code file} of migration applies' journaled parameters, as absolute paths. */
    static Set<Path> files(List<JsonNode> params) {
        return params.stream().map(p -> p.path("file").asText("")).filter(file -> !file.isEmpty())
                .map(Uploads::journaledPath).collect(Collectors.toSet());
    }

    /** Jackson writes a {@link Path} of a procedure's parameters as a {@code file:} URI. */
    private static Path journaledPath(String file) {
        Path path = file.startsWith("file:") ? Path.of(URI.create(file)) : Path.of(file);
        return path.toAbsolutePath().normalize();
    }

    /** Deletes the entries older than a session's lifetime that the journal does not name; returns how many. */
    int removeLeftovers() {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        Instant before = clock.instant().minus(Sessions.LIFETIME);
        List<Path> old;
        try (Stream<Path> entries = Files.list(dir)) {
            old = entries.filter(entry -> modifiedBefore(entry, before)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the console's uploads in " + dir + ": " + e.getMessage(), e);
        }
        if (old.isEmpty()) {
            return 0;
        }
        Set<Path> kept = journaled.get();
        List<Path> leftovers = old.stream().filter(entry -> !kept.contains(entry.toAbsolutePath().normalize())).toList();
        leftovers.forEach(Uploads::delete);
        if (!leftovers.isEmpty()) {
            log.info("Removed {} upload(s) of ended console sessions from {}", leftovers.size(), dir);
        }
        return leftovers.size();
    }

    private static boolean modifiedBefore(Path entry, Instant before) {
        try {
            return Files.getLastModifiedTime(entry).toInstant().isBefore(before);
        } catch (IOException e) {
            // Gone meanwhile, removed by another gateway sharing the home.
            return false;
        }
    }

    /** A file, or a directory of a plugin jar's upload with what is in it. */
    private static void delete(Path entry) {
        try (Stream<Path> tree = Files.walk(entry)) {
            for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            log.warn("Cannot remove the console upload {}; remove it by hand", entry, e);
        }
    }
}
