package dev.pitstop.gateway;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * One proxied WebSocket: the client's session and the node's, each message sent on as it comes.
 * The next message of a side is read only once the last one was sent to the other, so a slow side
 * slows its peer instead of filling the gateway's memory. A close on either side closes the other
 * with the same code; a side that fails closes the other with 1001 (going away).
 */
public final class WebSocketRelay {

    /** The client's side. Neither side reads until both are open. */
    final Side client = new Side();
    /** The node's side. */
    final Side node = new Side();
    private final AtomicInteger open = new AtomicInteger();
    private volatile Runnable whenClosed = () -> { };

    WebSocketRelay() {
        client.peer = node;
        node.peer = client;
    }

    /** Runs {@code action} once the client's side has closed, however it closed. */
    void whenClosed(Runnable action) {
        whenClosed = action;
    }

    /** Closes both sides with 1001 (going away). */
    void goAway(String reason) {
        client.close(StatusCode.SHUTDOWN, reason);
        node.close(StatusCode.SHUTDOWN, reason);
    }

    /** Public for Jetty, which calls a listener through method handles. */
    public final class Side implements Session.Listener {
        private Side peer;
        private volatile Session session;
        private volatile boolean closed;

        private volatile int closeCode;
        private volatile String closeReason;

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
            if (closed) {
                // Closed before it opened: the node could not be reached.
                session.close(closeCode, closeReason, Callback.NOOP);
                return;
            }
            if (open.incrementAndGet() == 2) {
                session.demand();
                peer.session.demand();
            }
        }

        @Override
        public void onWebSocketText(String message) {
            peer.session.sendText(message, Callback.from(session::demand, this::fail));
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            peer.session.sendBinary(payload, Callback.from(() -> {
                callback.succeed();
                session.demand();
            }, failure -> {
                callback.fail(failure);
                fail(failure);
            }));
        }

        // Each side answers pings itself; a ping or pong is not relayed.
        @Override
        public void onWebSocketPing(ByteBuffer payload) {
            session.demand();
        }

        @Override
        public void onWebSocketPong(ByteBuffer payload) {
            session.demand();
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            closed = true;
            peer.close(sendable(statusCode), reason);
            if (this == client) {
                whenClosed.run();
            }
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            fail(cause);
        }

        /** Closes this side once, now or as soon as it opens. */
        void close(int statusCode, String reason) {
            if (closed) {
                return;
            }
            closeCode = statusCode;
            closeReason = reason;
            closed = true;
            Session opened = session;
            if (opened != null) {
                opened.close(statusCode, reason, Callback.NOOP);
            }
        }

        void fail(Throwable cause) {
            close(StatusCode.SHUTDOWN, "going away");
            peer.close(StatusCode.SHUTDOWN, "going away");
        }

    }

    /** 1005, 1006 and 1015 only report what happened; they may not be sent in a close frame. */
    private static int sendable(int statusCode) {
        return statusCode == StatusCode.NO_CODE || statusCode == StatusCode.NO_CLOSE
                || statusCode == StatusCode.FAILED_TLS_HANDSHAKE ? StatusCode.SHUTDOWN : statusCode;
    }
}
