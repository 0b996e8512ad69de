package dev.pitstop.gateway;

import dev.pitstop.control.NodeRecord;
import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpURI;

/**
 * One node as the gateway sees it. A node that registers again under a new URL becomes a new
 * {@code Backend}, so a failure reported against the old one cannot take the new one out.
 */
final class Backend {

    private final String id;
    private final String url;
    private final String scheme;
    private final String host;
    private final int port;
    private final String healthUrl;
    private final AtomicBoolean checking = new AtomicBoolean();
    /** Guarded by the {@link Rotation} that holds this backend. */
    boolean ready;
    /** Kept out of rotation by a procedure, ready or not; guarded like {@link #ready}. */
    boolean held;

    /** Where the node answers whether it serves: its registered health path, else Pitstop's {@code /health/ready}. */
    static String healthUrl(NodeRecord node) {
        URI uri = URI.create(node.url());
        return uri.getScheme() + "://" + uri.getRawAuthority()
                + (node.healthPath() == null ? "/health/ready" : node.healthPath());
    }

    Backend(String id, String url, String healthUrl) {
        URI uri = URI.create(url);
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("node " + id + " registered a URL without a host: " + url);
        }
        this.id = id;
        this.url = url;
        this.scheme = uri.getScheme();
        this.host = uri.getHost();
        this.port = uri.getPort();
        this.healthUrl = healthUrl;
    }

    String id() {
        return id;
    }

    String url() {
        return url;
    }

    String healthUrl() {
        return healthUrl;
    }

    /** The client's request URI pointed at this node: same path and query, this node's origin. */
    HttpURI target(HttpURI clientUri) {
        return HttpURI.build(clientUri).scheme(scheme).host(host).port(port);
    }

    /** Claims the right to run a health check, so that a slow node never has two checks in flight. */
    boolean startCheck() {
        return checking.compareAndSet(false, true);
    }

    void endCheck() {
        checking.set(false);
    }

    @Override
    public String toString() {
        return id + " (" + url + ")";
    }
}
