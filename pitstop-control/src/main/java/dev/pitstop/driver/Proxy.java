package dev.pitstop.driver;

import java.util.List;

/**
 * A load balancer outside Pitstop (nginx, HAProxy) that {@link ProxyTraffic} steers. Each method
 * returns once the proxy acts on it, so a procedure can stop nodes right after the status page is up.
 */
public interface Proxy {

    /**
     * Sends client requests to the nodes.
     *
     * @param nodeUrls the ready nodes' base URLs ({@code http://host:port}); never empty
     */
    void route(List<String> nodeUrls);

    /**
     * Answers client requests with 503, {@code Retry-After} and the status page. Requests with the
     * header {@code X-Pitstop-Bypass} and those to the admin API still go to the nodes, which check
     * the bypass token and the admin token themselves.
     *
     * @param pageHtml the page, or null for the default one
     * @param nodeUrls the ready nodes' base URLs, where bypass requests go; may be empty
     */
    void showStatusPage(String pageHtml, int retryAfterSeconds, List<String> nodeUrls);
}
