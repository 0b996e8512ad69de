package dev.pitstop.control;

/**
 * What the cluster allows while it serves: the operations guide says plugin management and
 * upgrades should be used with caution or prohibited in production.
 *
 * @param plugins    {@code allowed}, {@code window-only} (only inside a maintenance window) or {@code prohibited}
 * @param upgrade    {@code allowed} or {@code prohibited}
 * @param windowOpen whether a maintenance window is open now
 */
public record Policy(String plugins, String upgrade, boolean windowOpen) {

    public static final String ALLOWED = "allowed";
    public static final String WINDOW_ONLY = "window-only";
    public static final String PROHIBITED = "prohibited";

    /** Why a plugin change is refused now, or null when it may go ahead. */
    public String pluginChangeRefusal() {
        return switch (plugins) {
            case PROHIBITED -> "plugin changes are prohibited by the cluster's policy (policy.plugins: prohibited);"
                    + " change the policy in pitstop.yml and restart the cluster to allow them";
            case WINDOW_ONLY -> windowOpen ? null
                    : "the cluster's policy allows plugin changes only inside a maintenance window (policy.plugins:"
                    + " window-only); open one with 'pitstop maintenance begin', then retry";
            default -> null;
        };
    }
}
