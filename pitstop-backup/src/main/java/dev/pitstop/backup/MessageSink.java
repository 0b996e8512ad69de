package dev.pitstop.backup;

import dev.pitstop.backup.format.EntryKind;
import dev.pitstop.backup.format.Manifest;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/** An {@link EntrySink} that turns entries into {@link ExportMessage}s for a {@link Target}. */
final class MessageSink implements EntrySink {

    /** Takes messages: the file writer itself, or the queue in front of it. */
    @FunctionalInterface
    interface Target {
        void accept(ExportMessage message) throws IOException;
    }

    private final AtomicInteger ids;
    private final Target target;

    /** {@code ids} is shared by every sink of one backup, so entry ids are unique in the file. */
    MessageSink(AtomicInteger ids, Target target) {
        this.ids = ids;
        this.target = target;
    }

    /** A message that is not about an entry, like a task starting. */
    void send(ExportMessage message) throws IOException {
        target.accept(message);
    }

    @Override
    public int open(EntryKind kind, String name) throws IOException {
        int id = ids.getAndIncrement();
        target.accept(new ExportMessage.Open(id, kind, name));
        return id;
    }

    @Override
    public void block(int id, int rawLength, byte[] compressed) throws IOException {
        target.accept(new ExportMessage.Block(id, rawLength, compressed));
    }

    @Override
    public void close(int id, Manifest.Entry entry) throws IOException {
        target.accept(new ExportMessage.Close(id, entry));
    }
}
