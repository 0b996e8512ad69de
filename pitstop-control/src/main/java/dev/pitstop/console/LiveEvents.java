package dev.pitstop.console;

import dev.pitstop.control.ChangeListener;
import dev.pitstop.control.Cluster;
import dev.pitstop.control.NodeRegistry;
import dev.pitstop.control.ProcedureJournal;
import dev.pitstop.db.DbSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-sent events of the overview's live part. One connection listens on the control schema's
 * channels (procedure journal, node registry, cluster row); on each notification the fragment is
 * rendered once and queued for every open stream, which puts its session's CSRF token in the
 * fragment's forms. Streams end when the console stops.
 */
final class LiveEvents extends AbstractLifeCycle {

    private static final Logger log = LoggerFactory.getLogger(LiveEvents.class);
    /** A comment line this often keeps proxies from closing an idle stream and finds closed browsers. */
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    /** Queued to end a stream; never a fragment, which always has markup. */
    private static final String END = "end";

    private final DbSettings db;
    private final LiveFragment fragment;
    private final Set<BlockingQueue<String>> streams = ConcurrentHashMap.newKeySet();
    private ChangeListener listener;

    LiveEvents(DbSettings db, LiveFragment fragment) {
        this.db = db;
        this.fragment = fragment;
    }

    @Override
    protected void doStart() {
        listener = new ChangeListener(db, "pitstop-console",
                List.of(ProcedureJournal.CHANNEL, NodeRegistry.CHANNEL, Cluster.CHANNEL), channel -> changed()).start();
    }

    @Override
    protected void doStop() {
        listener.close();
        endStreams();
    }

    void endStreams() {
        streams.forEach(queue -> queue.offer(END));
    }

    /** Renders the fragment and queues it for every open stream. */
    void changed() {
        if (streams.isEmpty()) {
            return;
        }
        String html = fragment.render();
        streams.forEach(queue -> queue.offer(html));
    }

    /**
     * Streams the fragment, then each new one, until the browser goes, the console stops or
     * {@code sessionLive} turns false (then the browser is told to log in again).
     */
    void stream(OutputStream out, String csrf, BooleanSupplier sessionLive) throws IOException, InterruptedException {
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        streams.add(queue);
        try {
            send(out, "live", Html.withCsrf(fragment.render(), csrf));
            while (isRunning()) {
                String html = queue.poll(KEEP_ALIVE.toSeconds(), TimeUnit.SECONDS);
                if (!sessionLive.getAsBoolean()) {
                    send(out, "logout", "session ended");
                    return;
                }
                if (html == null) {
                    out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                } else if (html.equals(END)) {
                    return;
                } else {
                    send(out, "live", Html.withCsrf(html, csrf));
                }
            }
        } finally {
            streams.remove(queue);
            log.debug("Console event stream closed");
        }
    }

    /** Newlines would split the event: the fragment's are replaced, HTML does not need them. */
    private static void send(OutputStream out, String event, String data) throws IOException {
        out.write(("event: " + event + "\ndata: " + data.replace('\n', ' ').replace('\r', ' ') + "\n\n")
                .getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
