package dev.pitstop.driver;

/**
 * How client traffic reaches the cluster: the built-in gateway, nginx, HAProxy, ... Procedures use
 * it to point clients at the 503 status page while the nodes are changed, and back at the cluster.
 */
public interface TrafficDriver {

    /**
     * Answers every client request with status 503, {@code Retry-After} and the status page.
     *
     * @param pageHtml          the page to show, or null for the default one
     * @param retryAfterSeconds what {@code Retry-After} tells clients
     */
    void showStatusPage(String pageHtml, int retryAfterSeconds);

    /** Sends client traffic back to the cluster's ready nodes. */
    void backToCluster();

    /** Whether clients get the status page now. */
    boolean statusPageShown();

    /**
     * Follows a change of the nodes in rotation — the ready ones no procedure holds out (see
     * {@link dev.pitstop.control.NodeRegistry#hold}) — in the current mode, and returns once the
     * load balancer acts on it: a node held before it stops gets no new request.
     *
     * @throws dev.pitstop.procedure.OperationException (failed) when the load balancer refuses the change
     */
    void followRotation();
}
