package dev.pitstop.home;

import java.nio.file.Path;
import java.util.Map;

/** The user's cache of things Pitstop makes once per machine, kept across homes: installs, class data archives. */
public final class UserCache {

    private UserCache() {
    }

    /** {@code $PITSTOP_CACHE}, else {@code $XDG_CACHE_HOME/pitstop}, else {@code ~/.cache/pitstop}. */
    public static Path dir(Map<String, String> env) {
        if (env.get("PITSTOP_CACHE") != null) {
            return Path.of(env.get("PITSTOP_CACHE"));
        }
        if (env.get("XDG_CACHE_HOME") != null) {
            return Path.of(env.get("XDG_CACHE_HOME"), "pitstop");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "pitstop");
    }
}
