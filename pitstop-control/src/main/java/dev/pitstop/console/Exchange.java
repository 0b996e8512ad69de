package dev.pitstop.console;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import dev.pitstop.procedure.OperationException;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartConfig;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/** One request to the console and its answer: the few shapes the console needs of Jetty's core API. */
final class Exchange {

    /** The most a console form may send: forms carry a token, a name or an id; files come multipart. */
    private static final int MAX_FORM_BYTES = 16 * 1024;
    private static final int MAX_FORM_FIELDS = 20;
    /** The largest file a console form uploads: a migration file or a plugin jar. */
    static final long MAX_UPLOAD_BYTES = 1L << 30;
    /** Parts up to this size stay in memory; larger ones go to a file in the uploads directory. */
    private static final long MAX_MEMORY_PART_BYTES = 64 * 1024;

    private final Request request;
    private final Response response;
    private final Callback callback;
    private final Path uploads;
    private Fields form;
    private MultiPartFormData.Parts parts;

    /** @param uploads where a multipart form's large parts are spooled while the request is handled */
    Exchange(Request request, Response response, Callback callback, Path uploads) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.uploads = uploads;
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

    /**
     * A field of the submitted form, url-encoded or multipart, or null; the form is read once, within its limits.
     *
     * @throws OperationException (invalid) for a form that cannot be read or is too large
     */
    String field(String name) {
        if (multipart()) {
            MultiPart.Part part = parts().getFirst(name);
            return part == null || part.getFileName() != null ? null : part.getContentAsString(StandardCharsets.UTF_8);
        }
        if (form == null) {
            try {
                form = FormFields.getFields(request, MAX_FORM_FIELDS, MAX_FORM_BYTES);
            } catch (RuntimeException e) {
                throw OperationException.invalid("the form could not be read (a console form sends at most "
                        + MAX_FORM_BYTES + " bytes); reload the page and try again");
            }
        }
        Fields.Field field = form.get(name);
        return field == null ? null : field.getValue();
    }

    /** A file uploaded in field {@code name} of a multipart form. */
    record Upload(String fileName, MultiPart.Part part) {

        /** Writes the file to {@code target}, which must not exist. */
        void saveTo(Path target) throws IOException {
            part.writeTo(target);
        }
    }

    /**
     * The file uploaded in field {@code name}.
     *
     * @throws OperationException (invalid) when the form has no file there, or an empty one
     */
    Upload upload(String name, String what) {
        MultiPart.Part part = multipart() ? parts().getFirst(name) : null;
        if (part == null || part.getFileName() == null || part.getFileName().isBlank()) {
            throw OperationException.invalid("choose " + what + " to upload; the form had none");
        }
        if (part.getLength() == 0) {
            throw OperationException.invalid(part.getFileName() + " is empty; choose " + what);
        }
        String fileName = part.getFileName();
        // Browsers send the bare name; some old ones the whole client path.
        return new Upload(fileName.substring(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1), part);
    }

    /** Where uploads are kept; it exists once a multipart form was read. */
    Path uploadsDir() {
        return uploads;
    }

    private boolean multipart() {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        return type != null && type.regionMatches(true, 0, MimeTypes.Type.MULTIPART_FORM_DATA.asString(), 0,
                MimeTypes.Type.MULTIPART_FORM_DATA.asString().length());
    }

    private MultiPartFormData.Parts parts() {
        if (parts == null) {
            MultiPartConfig config = new MultiPartConfig.Builder().location(uploads).maxParts(MAX_FORM_FIELDS)
                    .maxPartSize(MAX_UPLOAD_BYTES).maxSize(MAX_UPLOAD_BYTES + MAX_FORM_BYTES)
                    .maxMemoryPartSize(MAX_MEMORY_PART_BYTES).build();
            try {
                // Uploads hold configuration and plugin code: for the cluster's owner alone.
                Files.createDirectories(uploads, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
                parts = MultiPartFormData.getParts(request, request,
                        request.getHeaders().get(HttpHeader.CONTENT_TYPE), config);
            } catch (IOException | RuntimeException e) {
                throw OperationException.invalid("the upload could not be read (at most " + (MAX_UPLOAD_BYTES >> 20)
                        + " MiB, " + MAX_FORM_FIELDS + " fields): " + describe(e) + "; try again");
            }
        }
        return parts;
    }

    /** Jetty's reason for a bad upload names the limit it hit; the class name is of no use to the user. */
    private static String describe(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? "the request ended early" : cause.getMessage();
    }

    /** Deletes what the multipart form spooled to disk; a saved upload was moved away before. */
    void releaseUploads() {
        if (parts != null) {
            parts.close();
        }
    }

    String query(String name) {
        Fields.Field field = Request.extractQueryParameters(request).get(name);
        return field == null ? null : field.getValue();
    }

    void setCookie(HttpCookie cookie) {
        Response.putCookie(response, cookie);
    }

    void header(String name, String value) {
        response.getHeaders().put(name, value);
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
