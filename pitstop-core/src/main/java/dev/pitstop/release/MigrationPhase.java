package dev.pitstop.release;

import java.util.Locale;

/**
 * When a migration may run, as its release declares it. {@link #EXPAND} runs while nodes of the
 * previous release still serve, so it must leave the schema usable by them; {@link #CONTRACT} runs
 * once every node runs the new release (GitLab's regular and post-deployment migrations). A
 * migration declared neither is {@link #OFFLINE}: it runs with every node stopped, as always.
 */
public enum MigrationPhase {
    EXPAND,
    CONTRACT,
    OFFLINE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
