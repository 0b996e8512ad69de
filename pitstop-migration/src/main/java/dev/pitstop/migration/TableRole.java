package dev.pitstop.migration;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a table holds, as the core or its plugin declares it; it decides the table's default rule. */
public enum TableRole {
    /** Settings an operator makes in one environment and publishes to the next: overwritten by default. */
    CONFIGURATION("configuration", Rule.OVERWRITE),
    /** What the application's users create: only its definition moves by default. */
    USER_DATA("user data", Rule.SCHEMA_ONLY),
    /** Environment variables and secrets: never moved, only their names are carried and checked. */
    ENVIRONMENT("environment", Rule.SKIP),
    /**
     * Pitstop's own bookkeeping in the application schema: plugin state and migration histories.
     * Never moved: a migration checks the target's plugins instead.
     */
    INTERNAL("internal", Rule.SKIP);

    private final String label;
    private final Rule defaultRule;

    TableRole(String label, Rule defaultRule) {
        this.label = label;
        this.defaultRule = defaultRule;
    }

    @JsonValue
    public String label() {
        return label;
    }

    public Rule defaultRule() {
        return defaultRule;
    }

    /** Whether a rules file may give the table another rule than the default. */
    public boolean ruleCanChange() {
        return this == CONFIGURATION || this == USER_DATA;
    }
}
