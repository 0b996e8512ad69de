package dev.pitstop.migration;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/** What a migration does to one table of the target. */
public enum Rule {
    /** The table's definition moves; the target keeps its own rows. The default for user data. */
    SCHEMA_ONLY("schema-only"),
    /** The definition moves, and the target's rows become the source's. The default for configuration. */
    OVERWRITE("overwrite"),
    /** The definition moves; source rows replace target rows of the same key, new keys are inserted. */
    UPSERT("upsert"),
    /** The definition moves; source rows whose key the target lacks are inserted, the others left alone. */
    INSERT_IGNORE("insert-ignore"),
    /** Neither definition nor rows move. */
    SKIP("skip");

    private final String label;

    Rule(String label) {
        this.label = label;
    }

    /** The name in rules files, previews and logs. */
    @JsonValue
    public String label() {
        return label;
    }

    public boolean movesSchema() {
        return this != SKIP;
    }

    public boolean movesData() {
        return this == OVERWRITE || this == UPSERT || this == INSERT_IGNORE;
    }

    /** Whether rows are matched by key, which then must mean the same row in both databases. */
    public boolean matchesKeys() {
        return this == UPSERT || this == INSERT_IGNORE;
    }

    /** @throws IllegalArgumentException naming the rules there are */
    @JsonCreator
    public static Rule of(String label) {
        return Arrays.stream(values()).filter(r -> r.label.equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown rule '" + label + "': use one of " + labels()));
    }

    static String labels() {
        return Arrays.stream(values()).map(Rule::label).collect(Collectors.joining(", "));
    }
}
