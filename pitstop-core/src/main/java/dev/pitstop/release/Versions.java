package dev.pitstop.release;

import com.github.zafarkhaja.semver.Version;

/** Semantic versions of releases and plugins, and the ranges plugins require of the core. */
public final class Versions {

    private Versions() {
    }

    public static Version parse(String text) {
        try {
            return Version.parse(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a semantic version (like 1.2.0)");
        }
    }

    public static int compare(String a, String b) {
        return parse(a).compareTo(parse(b));
    }

    /** Whether {@code version} is in {@code range}, written like {@code >=1.0.0 & <2.0.0}; empty means any. */
    public static boolean satisfies(String version, String range) {
        if (range == null || range.isBlank() || range.strip().equals("*")) {
            return true;
        }
        try {
            return parse(version).satisfies(range);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + range + "' is not a version range (like >=1.0.0 & <2.0.0)");
        }
    }
}
