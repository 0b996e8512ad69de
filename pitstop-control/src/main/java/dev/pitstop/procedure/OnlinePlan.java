package dev.pitstop.procedure;

import dev.pitstop.db.Database;
import dev.pitstop.lint.LintReport;
import dev.pitstop.lint.MigrationLinter;
import dev.pitstop.lint.SqlParser;
import dev.pitstop.lint.Verdict;
import dev.pitstop.release.MigrationPhase;
import dev.pitstop.release.MigrationScript;
import dev.pitstop.release.MigrationSet;
import dev.pitstop.release.Release;
import dev.pitstop.release.ReleaseMigrations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.api.MigrationVersion;

/**
 * Whether a release can be upgraded to online from what the database has: the migrations it would
 * run (those newer than each owner's history), each declared expand or contract, every expand one
 * before every contract one, and every statement allowed by the linter.
 *
 * @param pending     per owner, the migrations not yet run, in order
 * @param offline     why the release cannot go online for reasons other than a statement (undeclared phases, order)
 * @param lint        the linter's verdicts on the pending migrations
 */
public record OnlinePlan(List<MigrationSet> pending, List<String> offline, LintReport lint) {

    public boolean online() {
        return offline.isEmpty() && lint.online();
    }

    /** Every reason the release cannot go online, one per line. */
    public List<String> reasons() {
        List<String> reasons = new ArrayList<>(offline);
        lint.refused().forEach(v -> reasons.add(v.toString()));
        return reasons;
    }

    public static OnlinePlan of(Release target, DataSource appDb, SqlParser parser) {
        List<MigrationSet> pending = new ArrayList<>();
        List<String> offline = new ArrayList<>();
        List<MigrationLinter.Migration> toLint = new ArrayList<>();
        for (MigrationSet set : ReleaseMigrations.of(target)) {
            MigrationVersion applied = applied(appDb, set.historyTable());
            List<MigrationScript> scripts = set.scripts().stream()
                    .filter(s -> s.flywayVersion().compareTo(applied) > 0).toList();
            boolean contractSeen = false;
            for (MigrationScript script : scripts) {
                switch (script.phase()) {
                    case OFFLINE -> offline.add("refused: " + script.describe() + " declares no phase (expand or "
                            + "contract), so it runs offline only");
                    case CONTRACT -> contractSeen = true;
                    case EXPAND -> {
                        if (contractSeen) {
                            offline.add("refused: " + script.describe() + " is an expand migration after a contract "
                                    + "one of " + set.owner() + ": expand migrations must come first");
                        }
                    }
                }
                if (script.phase() != MigrationPhase.OFFLINE) {
                    toLint.add(new MigrationLinter.Migration(script.describe(), script.phase() == MigrationPhase.EXPAND
                            ? MigrationLinter.Stage.EXPAND : MigrationLinter.Stage.CONTRACT, script.sql()));
                }
            }
            if (!scripts.isEmpty()) {
                pending.add(new MigrationSet(set.owner(), set.pluginId(), set.pluginVersion(), set.jar(),
                        set.location(), set.historyTable(), scripts));
            }
        }
        // Expand migrations of every owner run before any contract one: lint them in that order.
        List<MigrationLinter.Migration> ordered = new ArrayList<>(toLint.stream()
                .filter(m -> m.stage() == MigrationLinter.Stage.EXPAND).toList());
        ordered.addAll(toLint.stream().filter(m -> m.stage() == MigrationLinter.Stage.CONTRACT).toList());
        LintReport lint = ordered.isEmpty() ? new LintReport(List.of()) : new MigrationLinter(parser).lint(ordered);
        pending.stream().flatMap(set -> set.scripts().stream()).filter(s -> s.phase() != MigrationPhase.OFFLINE)
                .forEach(script -> batchDeclarationMismatch(script, lint).ifPresent(offline::add));
        return new OnlinePlan(pending, offline, lint);
    }

    /**
     * The nodes repeat what the release declares batched, the linter recognises a batch: both must
     * agree, or an upgrade would run a batch once, or repeat what never stops changing rows.
     */
    private static Optional<String> batchDeclarationMismatch(MigrationScript script, LintReport lint) {
        List<Verdict> verdicts = lint.verdicts().stream().filter(v -> v.migration().equals(script.describe())).toList();
        boolean batch = !verdicts.isEmpty() && verdicts.stream().allMatch(Verdict::batched);
        if (batch && !script.batched()) {
            return Optional.of("refused: " + script.describe() + " changes a batch of rows but is not declared in "
                    + ReleaseMigrations.BATCHED_KEY + ", so an upgrade would run it once: declare its version there");
        }
        if (!batch && script.batched()) {
            return Optional.of("refused: " + script.describe() + " is declared in " + ReleaseMigrations.BATCHED_KEY
                    + " but is not one batch (UPDATE or DELETE ... WHERE id IN (SELECT ... LIMIT n)) the linter "
                    + "recognises, so repeating it might never end");
        }
        return Optional.empty();
    }

    /** The newest version the history table records as run, or EMPTY when the owner has none. */
    private static MigrationVersion applied(DataSource appDb, String historyTable) {
        String table = Database.APP_SCHEMA + "." + historyTable;
        try (Connection c = appDb.getConnection()) {
            try (PreparedStatement exists = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
                exists.setString(1, table);
                try (ResultSet rs = exists.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        return MigrationVersion.EMPTY;
                    }
                }
            }
            // The name is built from a plugin id checked to be [a-z0-9-] and quoted: no parameter can name a table.
            MigrationVersion newest = MigrationVersion.EMPTY;
            try (PreparedStatement versions = c.prepareStatement("SELECT version FROM " + Database.APP_SCHEMA + ".\""
                    + historyTable + "\" WHERE success AND version IS NOT NULL");
                 ResultSet rs = versions.executeQuery()) {
                while (rs.next()) {
                    MigrationVersion version = MigrationVersion.fromVersion(rs.getString(1));
                    if (version.compareTo(newest) > 0) {
                        newest = version;
                    }
                }
            }
            return newest;
        } catch (SQLException e) {
            throw OperationException.failed("cannot read the migration history " + table + ": " + e.getMessage());
        }
    }
}
