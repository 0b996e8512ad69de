package dev.pitstop.control;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a named token may do through the admin API. Each role includes the one below it:
 * <ul>
 * <li>{@code viewer} reads: node details, plugins, backups;</li>
 * <li>{@code operator} also changes: plugin add/enable/disable/upgrade/remove, backup
 * create/verify/restore/delete (the maintenance procedures are built from these);</li>
 * <li>{@code admin} also manages the tokens themselves.</li>
 * </ul>
 */
public enum Role {
    VIEWER, OPERATOR, ADMIN;

    /** What a request needs, by what it does. */
    public enum Need {
        READ, CHANGE, MANAGE_TOKENS
    }

    public boolean allows(Need need) {
        return switch (need) {
            case READ -> true;
            case CHANGE -> this != VIEWER;
            case MANAGE_TOKENS -> this == ADMIN;
        };
    }

    /** The name used in the control schema, the CLI and the API. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the roles that exist */
    public static Role of(String label) {
        return Arrays.stream(values()).filter(role -> role.label().equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no role '" + label + "'; roles are admin, operator, viewer"));
    }
}
