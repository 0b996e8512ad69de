package dev.pitstop.control;

import dev.pitstop.db.Database;
import dev.pitstop.db.DbSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls back when a control-schema channel is notified, on a dedicated connection. After every
 * (re)connection it calls back once for each channel as well, because notifications sent while
 * it was disconnected are lost: the callback must re-read state rather than trust a message.
 */
public final class ChangeListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChangeListener.class);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final DbSettings db;
    private final String applicationName;
    private final List<String> channels;
    private final Consumer<String> onChange;
    private final Thread thread;
    private volatile boolean closed;

    public ChangeListener(DbSettings db, String applicationName, List<String> channels, Consumer<String> onChange) {
        this.db = db;
        this.applicationName = applicationName;
        this.channels = List.copyOf(channels);
        this.onChange = onChange;
        this.thread = new Thread(this::run, "change-listener");
        this.thread.setDaemon(true);
    }

    public ChangeListener start() {
        thread.start();
        return this;
    }

    private void run() {
        while (!closed) {
            try (Connection c = Database.connect(db, applicationName)) {
                try (Statement st = c.createStatement()) {
                    for (String channel : channels) {
                        st.execute("LISTEN " + channel);
                    }
                }
                channels.forEach(this::deliver);
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] received = pg.getNotifications(500);
                    if (received != null) {
                        for (PGNotification n : received) {
                            deliver(n.getName());
                        }
                    }
                }
            } catch (SQLException e) {
                if (!closed) {
                    log.warn("Lost the notification connection to {} ({}); reconnecting", db, e.getMessage());
                    sleep();
                }
            }
        }
    }

    private void deliver(String channel) {
        try {
            onChange.accept(channel);
        } catch (RuntimeException e) {
            log.warn("Handling a change on {} failed: {}", channel, e.getMessage());
        }
    }

    private void sleep() {
        try {
            Thread.sleep(RETRY.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
