package dev.pitstop.gateway;

import dev.pitstop.control.ClusterMode;
import dev.pitstop.control.StatusPage;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * While the cluster is in maintenance, answers every request with the status page, except those
 * of operators carrying the bypass token, which go on to the nodes (header included, as the nodes
 * check it too), and those to the admin API, which the nodes guard with their bearer token and
 * which operators need most during maintenance.
 */
final class MaintenanceHandler extends Handler.Wrapper {

    private static final String BYPASS_HEADER = "X-Pitstop-Bypass";
    private static final String ADMIN_PREFIX = "/admin/";

    private final ClusterWatcher cluster;
    private final GatewayMetrics metrics;

    MaintenanceHandler(ClusterWatcher cluster, GatewayMetrics metrics, Handler next) {
        super(next);
        this.cluster = cluster;
        this.metrics = metrics;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        ClusterMode mode = cluster.mode();
        if (mode.maintenance() && !Request.getPathInContext(request).startsWith(ADMIN_PREFIX)) {
            if (!cluster.isBypassToken(request.getHeaders().get(BYPASS_HEADER))) {
                metrics.statusPageServed();
                Unavailable.send(response, callback, mode.retryAfterSeconds(), "text/html; charset=utf-8",
                        StatusPage.html(mode));
                return true;
            }
            metrics.bypassed();
        }
        return super.handle(request, response, callback);
    }
}
