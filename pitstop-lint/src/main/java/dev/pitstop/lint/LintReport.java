package dev.pitstop.lint;

import java.util.List;

/** The linter's verdict on every statement of the migrations it was given, in the order they run. */
public record LintReport(List<Verdict> verdicts) {

    public LintReport {
        verdicts = List.copyOf(verdicts);
    }

    /** Whether every statement may run while the previous release's nodes serve. */
    public boolean online() {
        return verdicts.stream().allMatch(Verdict::allowed);
    }

    public List<Verdict> refused() {
        return verdicts.stream().filter(v -> !v.allowed()).toList();
    }
}
