package dev.pitstop.migration;

import java.util.List;

/**
 * A migration the checks refuse, before anything changes: the file is damaged or from a newer
 * release, plugins or environment variables are missing, the schemas conflict. Every reason found
 * is listed, so one check tells the operator everything to fix.
 */
public final class MigrationRefusedException extends MigrationException {

    private final List<String> reasons;

    public MigrationRefusedException(String file, List<String> reasons) {
        super("migration " + file + " refused, nothing was changed: " + String.join("; ", reasons));
        this.reasons = List.copyOf(reasons);
    }

    public List<String> reasons() {
        return reasons;
    }
}
