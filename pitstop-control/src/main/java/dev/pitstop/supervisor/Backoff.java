package dev.pitstop.supervisor;

import java.time.Duration;

/**
 * Delays between restarts of a crashing node: 1 s, doubling up to a minute, so a node that cannot
 * start does not flood its log and the database. A node that ran for a minute or more before it
 * crashed starts over at 1 s: that crash is news, not a loop.
 */
final class Backoff {

    static final Duration INITIAL = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofMinutes(1);
    static final Duration STABLE = Duration.ofMinutes(1);

    private Duration next = INITIAL;

    /** The delay before the next restart of a node that ran for {@code ranFor} before it crashed. */
    synchronized Duration next(Duration ranFor) {
        if (ranFor.compareTo(STABLE) >= 0) {
            next = INITIAL;
        }
        Duration delay = next;
        next = next.multipliedBy(2).compareTo(MAX) > 0 ? MAX : next.multipliedBy(2);
        return delay;
    }
}
