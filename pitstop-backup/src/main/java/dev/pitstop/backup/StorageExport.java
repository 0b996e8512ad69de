package dev.pitstop.backup;

import dev.pitstop.backup.format.BlockCompressor;
import dev.pitstop.backup.format.EntryKind;
import dev.pitstop.backup.format.StoragePaths;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the storage directory: a DIRECTORY entry per directory below it, so empty ones come back
 * too, and a FILE entry per regular file, in name order. Anything else is refused: a symbolic link
 * could point anywhere, and restoring it could write anywhere.
 */
final class StorageExport implements ExportTask {

    static final String NAME = "storage";

    private final Path root;

    StorageExport(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean readsDatabase() {
        return false;
    }

    @Override
    public void run(Connection snapshot, EntrySink sink, BlockCompressor compressor) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new BackupException("the storage directory " + root + " does not exist:"
                    + " give the right one, or back up without storage (--no-storage)");
        }
        exportChildren(root, sink, compressor, new byte[EntryWriter.BLOCK_BYTES]);
    }

    private void exportChildren(Path dir, EntrySink sink, BlockCompressor compressor, byte[] buffer) throws IOException {
        List<Path> children;
        try (Stream<Path> list = Files.list(dir)) {
            children = list.sorted().toList();
        }
        for (Path child : children) {
            String name = StoragePaths.name(root, child);
            if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                new EntryWriter(sink, compressor, EntryKind.DIRECTORY, name).finish(null);
                exportChildren(child, sink, compressor, buffer);
            } else if (Files.isRegularFile(child, LinkOption.NOFOLLOW_LINKS)) {
                EntryWriter entry = new EntryWriter(sink, compressor, EntryKind.FILE, name);
                try (InputStream in = Files.newInputStream(child)) {
                    int n;
                    while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                        entry.write(buffer, 0, n);
                    }
                }
                entry.finish(null);
            } else {
                throw new BackupException("cannot back up the storage directory: " + child + " is "
                        + (Files.isSymbolicLink(child) ? "a symbolic link" : "neither a file nor a directory")
                        + "; a backup carries regular files and directories only: replace it, then try again");
            }
        }
    }
}
