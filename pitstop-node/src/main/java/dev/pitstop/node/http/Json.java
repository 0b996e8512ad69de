package dev.pitstop.node.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import com.fasterxml.jackson.core.JsonProcessingException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Writes responses. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() {
    }

    static void write(Response response, Callback callback, int status, Object body) {
        String text;
        try {
            text = MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        Content.Sink.write(response, true, text, callback);
    }

    /**
     * The request body as a JSON object; an empty body is an empty object.
     *
     * @throws BadJson saying where the text stops being JSON, without the parser's own text
     */
    static JsonNode body(Request request) {
        try {
            String text = Content.Source.asString(request, StandardCharsets.UTF_8);
            JsonNode body = text.isBlank() ? MAPPER.createObjectNode() : MAPPER.readTree(text);
            if (!body.isObject()) {
                throw new BadJson("the request body must be a JSON object, not " + body.getNodeType().name().toLowerCase());
            }
            return body;
        } catch (JsonProcessingException e) {
            throw new BadJson("the request body must be a JSON object; it is not valid JSON at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads the whole body, up to {@code max} bytes.
     *
     * @throws TooLarge as soon as the body passes {@code max}: the rest is never read
     */
    static byte[] readAtMost(Request request, long max) {
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] body = in.readNBytes((int) Math.min(max, Integer.MAX_VALUE - 8));
            if (in.read() != -1) {
                throw new TooLarge();
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A request body over its limit. */
    static final class TooLarge extends RuntimeException {
        TooLarge() {
            super("request body over its limit");
        }
    }

    /** A request body that is not the JSON object an endpoint takes. */
    static final class BadJson extends RuntimeException {
        BadJson(String message) {
            super(message);
        }
    }

    static void html(Response response, Callback callback, int status, String html) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
        Content.Sink.write(response, true, html, callback);
    }
}
