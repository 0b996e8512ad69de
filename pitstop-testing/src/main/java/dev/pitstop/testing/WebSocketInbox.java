package dev.pitstop.testing;

import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a WebSocket client ({@code java.net.http}) received: its text messages, then the close code.
 * The waits are deadlines for a busy machine, not claims about speed.
 */
public final class WebSocketInbox implements WebSocket.Listener {

    private static final long WAIT_SECONDS = 30;

    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            messages.add(partial.toString());
            partial.setLength(0);
        }
        socket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
        closed.complete(code);
        return null;
    }

    /** The next text message, waiting for it. */
    public String next() throws InterruptedException {
        String message = messages.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("no WebSocket message within " + WAIT_SECONDS + " s");
        }
        return message;
    }

    /** The status code the connection was closed with, waiting for the close. */
    public int closeCode() throws InterruptedException {
        try {
            return closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the WebSocket was not closed within " + WAIT_SECONDS + " s", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether a message came that {@link #next()} has not taken. */
    public boolean hasUnread() {
        return !messages.isEmpty();
    }
}
