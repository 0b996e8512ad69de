package dev.pitstop.backup;

/**
 * Told how a backup, verification or restore advances, a few times a second at most, from the
 * thread doing the work: an implementation should only render, never block.
 */
@FunctionalInterface
public interface Progress {

    Progress NONE = update -> { };

    void update(ProgressUpdate update);
}
