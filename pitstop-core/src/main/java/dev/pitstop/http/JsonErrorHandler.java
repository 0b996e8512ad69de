package dev.pitstop.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The error answers Jetty writes itself (a malformed request, a handler that threw, an error
 * written with {@code Response.writeError}), as {@code {"error": ...}}. A message Pitstop wrote is
 * kept; an exception never reaches the client: its class and text go to the log, and the client
 * gets the status's reason (or, for Jetty's own {@link HttpException}, its reason, which names what
 * was wrong with the request without any Java text).
 */
public final class JsonErrorHandler extends ErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(JsonErrorHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String server;

    /** @param server names the server in the log, e.g. "node node-1" or "gateway" */
    public JsonErrorHandler(String server) {
        this.server = server;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws java.io.IOException {
        String text;
        if (cause == null) {
            text = message == null ? HttpStatus.getMessage(code) : message;
        } else if (cause instanceof HttpException http && code < 500) {
            text = http.getReason() == null ? HttpStatus.getMessage(code) : http.getReason();
        } else {
            log.error("The {} answered {} to {} {}", server, code, request.getMethod(),
                    request.getHttpURI().getPath(), cause);
            text = HttpStatus.getMessage(code) + "; the " + server + "'s log has the details";
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        Content.Sink.write(response, true, JSON.writeValueAsString(Map.of("error", text)), callback);
    }
}
