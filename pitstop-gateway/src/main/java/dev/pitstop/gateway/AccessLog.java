package dev.pitstop.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.eclipse.jetty.server.AsyncRequestLogWriter;
import org.eclipse.jetty.server.CustomRequestLog;
import org.eclipse.jetty.server.RequestLog;

/**
 * The request log of {@link AccessLogSettings}: Apache's combined format, as nginx writes it, then
 * {@code node=ID} (or {@code node=-} when the gateway answered itself: maintenance, no node ready)
 * and {@code ms=N}, the milliseconds from the request's arrival to the end of the response. An absent
 * {@code Referer} or {@code User-Agent} is an empty pair of quotes (Jetty's way), not Apache's "-".
 */
final class AccessLog {

    /** The request attribute naming the node a request was last sent to, set by {@link NodeProxy}. */
    static final String NODE_ATTRIBUTE = "dev.pitstop.gateway.node";
    static final String FORMAT = CustomRequestLog.EXTENDED_NCSA_FORMAT + " node=%{" + NODE_ATTRIBUTE + "}attr ms=%{ms}T";

    private AccessLog() {
    }

    /** @throws UncheckedIOException when the log's directory cannot be created */
    static RequestLog create(AccessLogSettings settings) {
        try {
            Files.createDirectories(settings.file().toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directory of the access log "
                    + settings.file() + ": " + e.getMessage(), e);
        }
        // Lines go to the file from a thread of their own: a slow disk never holds a request thread.
        AsyncRequestLogWriter writer = new AsyncRequestLogWriter(settings.file().toString());
        writer.setAppend(true);
        writer.setRetainDays(settings.retainDays());
        writer.setTimeZone("UTC");
        return new CustomRequestLog(writer, FORMAT);
    }
}
