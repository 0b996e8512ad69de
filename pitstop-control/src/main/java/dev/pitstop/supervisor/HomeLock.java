package dev.pitstop.supervisor;

import dev.pitstop.home.Home;
import dev.pitstop.procedure.OperationException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Held by the supervisor of a home while it runs, so two {@code pitstop up} in one home cannot both
 * start a cluster. The operating system releases it when the process dies, however it dies.
 */
final class HomeLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private HomeLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static HomeLock acquire(Home home) throws IOException {
        Files.createDirectories(home.dir());
        Path file = home.dir().resolve("supervisor.lock");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very process
        }
        if (lock == null) {
            channel.close();
            throw OperationException.refused("a cluster is already running in " + home
                    + "; see: pitstop status, or stop it with: pitstop down");
        }
        return new HomeLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
