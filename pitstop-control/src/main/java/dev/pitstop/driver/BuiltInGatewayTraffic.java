package dev.pitstop.driver;

import dev.pitstop.control.Cluster;

/**
 * Traffic through the built-in gateway. Gateway and nodes follow the cluster mode in the control
 * schema (they are notified of each change), so switching is a single committed update.
 */
public final class BuiltInGatewayTraffic implements TrafficDriver {

    private final Cluster cluster;

    public BuiltInGatewayTraffic(Cluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public void showStatusPage(String pageHtml, int retryAfterSeconds) {
        if (retryAfterSeconds <= 0) {
            throw new IllegalArgumentException("Retry-After must be a positive number of seconds, got " + retryAfterSeconds);
        }
        cluster.setMaintenance(true, pageHtml, retryAfterSeconds);
    }

    @Override
    public void backToCluster() {
        cluster.setMaintenance(false, null, cluster.mode().retryAfterSeconds());
    }

    @Override
    public boolean statusPageShown() {
        return cluster.mode().maintenance();
    }

    /**
     * Nothing to do: the gateway reads the registry on every change (and each second besides). A
     * stopping node also drains: it leaves the rotation and keeps serving for a grace period.
     */
    @Override
    public void followRotation() {
    }
}
