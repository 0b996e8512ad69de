package dev.pitstop.gateway;

import java.util.function.Predicate;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The gateway's own pages that block — {@code /metrics} and the console read the control schema
 * and check tokens — run on the server's pool, so that they do not make the proxy beside them
 * blocking: Jetty combines the invocation types of a sequence's handlers, and one blocking handler
 * would hand every proxied request to another thread.
 */
final class Offloaded extends Handler.Wrapper {

    private final Predicate<String> paths;

    /** @param paths the paths in context that {@code blocking} answers; it gets no other request */
    Offloaded(Predicate<String> paths, Handler blocking) {
        super(blocking);
        this.paths = paths;
    }

    /** Under {@code prefix} itself or below it. */
    static Predicate<String> under(String prefix) {
        return path -> path.equals(prefix) || path.startsWith(prefix + "/");
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!paths.test(Request.getPathInContext(request))) {
            return false;
        }
        getServer().getThreadPool().execute(() -> {
            try {
                if (!getHandler().handle(request, response, callback)) {
                    Response.writeError(request, response, callback, 404);
                }
            } catch (Throwable failure) {
                callback.failed(failure);
            }
        });
        return true;
    }
}
