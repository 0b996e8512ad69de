package dev.pitstop.console;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/** One request to the console and its answer: the few shapes the console needs of Jetty's core API. */
final class Exchange {

    /** The most a console form may send: forms carry a token, a name or an id, never a file. */
    private static final int MAX_FORM_BYTES = 16 * 1024;
    private static final int MAX_FORM_FIELDS = 20;

    private final Request request;
    private final Response response;
    private final Callback callback;
    private Fields form;

    Exchange(Request request, Response response, Callback callback) {
        this.request = request;
        this.response = response;
        this.callback = callback;
    }

    String method() {
        return request.getMethod();
    }

    /** The path under the console, starting with "/". */
    String path() {
        String path = Request.getPathInContext(request);
        return path.isEmpty() ? "/" : path;
    }

    boolean secure() {
        return request.isSecure();
    }

    String remoteAddress() {
        return Request.getRemoteAddr(request);
    }

    String cookie(String name) {
        return Request.getCookies(request).stream().filter(c -> c.getName().equals(name)).map(HttpCookie::getValue)
                .findFirst().orElse(null);
    }

    /** A field of the submitted form, or null; the form is read once, within its limits. */
    String field(String name) {
        if (form == null) {
            form = FormFields.getFields(request, MAX_FORM_FIELDS, MAX_FORM_BYTES);
        }
        Fields.Field field = form.get(name);
        return field == null ? null : field.getValue();
    }

    String query(String name) {
        Fields.Field field = Request.extractQueryParameters(request).get(name);
        return field == null ? null : field.getValue();
    }

    void setCookie(HttpCookie cookie) {
        Response.putCookie(response, cookie);
    }

    void html(int status, String html) {
        send(status, "text/html; charset=utf-8", html);
    }

    void send(int status, String contentType, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        noStore();
        response.write(true, StandardCharsets.UTF_8.encode(body), callback);
    }

    /** After a change, to the page that shows it (303: the browser follows with a GET). */
    void redirect(String location) {
        noStore();
        Response.sendRedirect(request, response, callback, 303, location, true);
    }

    /** Starts a streamed answer: the caller writes, flushes and then calls {@link #done()} or {@link #failed}. */
    OutputStream stream(String contentType, String fileName) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        if (fileName != null) {
            response.getHeaders().put(HttpHeader.CONTENT_DISPOSITION, "attachment; filename=\"" + fileName + "\"");
        }
        noStore();
        return Response.asBufferedOutputStream(request, response);
    }

    void done() {
        callback.succeeded();
    }

    void failed(IOException e) {
        callback.failed(e);
    }

    /** Console pages show live state and carry the CSRF token: never cached, never framed. */
    private void noStore() {
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put("X-Frame-Options", "DENY");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Referrer-Policy", "same-origin");
    }
}
