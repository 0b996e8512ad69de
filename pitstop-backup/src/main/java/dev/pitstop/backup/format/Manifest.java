package dev.pitstop.backup.format;

import java.time.Instant;
import java.util.List;

/**
 * The table of contents of a backup, written last because it holds every entry's checksum.
 *
 * @param release   the application release that made the backup, or null when not known
 * @param plugins   the application's plugins as {@code app.plugins} listed them
 * @param server    the PostgreSQL server the backup was read from
 * @param schemas   the schemas carried: every schema but the control schema and the system ones
 * @param entries   every entry of the body, in the order they were completed
 */
public record Manifest(int formatVersion, String release, Instant createdAt, List<Plugin> plugins, Server server,
                       List<String> schemas, List<Entry> entries) {

    public record Plugin(String id, String version, boolean enabled) {
    }

    /** {@code versionNumber} is {@code server_version_num}, like 150019 for 15.19. */
    public record Server(String version, int versionNumber, String encoding) {

        public int major() {
            return versionNumber / 10_000;
        }
    }

    /**
     * @param size   bytes of the entry's content, uncompressed
     * @param rows   rows of a table, null for other entries
     * @param sha256 the content's SHA-256, hex
     */
    public record Entry(EntryKind kind, String name, long size, Long rows, String sha256) {
    }

    public List<Entry> tables() {
        return entries.stream().filter(e -> e.kind() == EntryKind.TABLE).toList();
    }
}
