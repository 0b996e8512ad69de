package dev.pitstop.cli;

import dev.pitstop.control.Installations;
import dev.pitstop.control.ProcedureJournal;
import dev.pitstop.lint.ParserUnavailableException;
import dev.pitstop.procedure.OnlinePlan;
import dev.pitstop.procedure.OnlineUpgrade;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.procedure.ProcedureKind;
import dev.pitstop.procedure.ProcedureRunner;
import dev.pitstop.procedure.Upgrade;
import dev.pitstop.procedure.UpgradePreflight;
import dev.pitstop.release.Release;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "upgrade", sortOptions = false,
        description = {"Upgrades the cluster to another release, as the operations guide's version upgrade: the "
                + "status page goes up, every node drains and stops, a verified backup is taken, one node of the new "
                + "release upgrades the database and is verified, the others start, traffic returns.",
                "The backup is replayed into a scratch database to prove it restores before anything changes; if "
                        + "it cannot be taken or does not restore, the nodes start again on the previous release, "
                        + "unchanged. Any failure after the backup rolls back by itself: the backup is restored and the "
                        + "previous release serves again. Every step is journaled: if this process dies, continue with --resume or "
                        + "return to the previous release with --rollback. 'pitstop status' shows the step in "
                        + "progress, 'pitstop history' every step with its duration."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:upgraded (or, with --plan, every check passed)",
                "1:failed; the message says the state the cluster was left in, e.g. \"rolled back to 1.0.0\"",
                "2:usage error", "3:refused before anything changed: a preflight check, the policy, or another procedure"})
final class UpgradeCommand implements Callable<Integer> {

    @ParentCommand
    private Pitstop pitstop;

    @Spec
    private CommandSpec spec;

    @Option(names = "--to", paramLabel = "DIR", description = "The release directory to upgrade to (like demo/target/releases/1.1.0).")
    private Path to;

    @Option(names = "--plan", description = "Print the preflight checks and the steps, change nothing, and exit.")
    private boolean plan;

    @Option(names = "--online", description = {"Upgrade without stopping the service: a verified backup while "
            + "serving, the release's expand migrations under lock_timeout, then node by node: held out of the "
            + "rotation (built-in gateway, nginx or HAProxy) and drained, started on the new release, verified (ready, "
            + "version, the configured checks) and only then back in rotation (on Kubernetes the Deployment rolls "
            + "one pod at a time instead, surge 1: each new pod verified before an old one goes); then its contract "
            + "migrations. Only "
            + "for a release "
            + "whose pending migrations are all declared expand or contract (plugin.migrations.expand / .contract "
            + "in plugin.properties) and pass the migration linter; otherwise refused (exit 3) with the linter's "
            + "reasons, nothing changed. A failure before the contract phase puts the previous release back on "
            + "every node, one at a time, without a restore. --plan shows which mode the release allows and why.",
            "Needs Node.js 18+ for PostgreSQL's parser (npm ci --prefix pitstop-lint/parser)."})
    private boolean online;

    @Option(names = "--yes", description = "Do not ask for confirmation before the cluster goes down.")
    private boolean yes;

    @Option(names = "--pause-for-verification", description = "Stop after the first node of the new release is "
            + "verified, with the status page still up: test through the gateway with the header X-Pitstop-Bypass "
            + "and the bypass token, then run 'pitstop upgrade --resume' or 'pitstop upgrade --rollback'.")
    private boolean pause;

    @Option(names = "--resume", description = "Continue the interrupted, failed or paused upgrade after its last completed step.")
    private boolean resume;

    @Option(names = "--rollback", description = "Return to the release the interrupted, failed or paused upgrade started from, restoring its backup if the database may have changed. An online upgrade rolls back without a restore until its contract step begins; from then on --rollback is refused (exit 3): finish it with --resume.")
    private boolean rollback;

    @Mixin
    private AbandonOption abandon;

    @Override
    public Integer call() {
        if (resume && rollback) {
            throw OperationException.invalid("--resume and --rollback exclude each other; choose one");
        }
        abandon.requireAlone(resume || rollback || to != null || pause || plan || yes);
        ProcedureSession procedures = ProcedureSession.open(pitstop, spec);
        if (abandon.requested()) {
            abandon.abandon(procedures, ProcedureKind.UPGRADE);
            return 0;
        }
        Upgrade upgrade = procedures.procedures().upgrade();
        ProcedureRunner runner = procedures.runner();
        if (resume || rollback) {
            if (to != null || pause || plan || online) {
                throw OperationException.invalid("--resume and --rollback keep the options the upgrade began with;"
                        + " give neither --to, --plan, --online nor --pause-for-verification");
            }
            boolean openOnline = new ProcedureJournal(procedures.controlDb()).open()
                    .map(open -> open.kind().equals(ProcedureKind.ONLINE_UPGRADE.label())).orElse(false);
            if (openOnline) {
                OnlineUpgrade onlineUpgrade = procedures.procedures().onlineUpgrade();
                if (resume) {
                    runner.resume(ProcedureKind.ONLINE_UPGRADE, onlineUpgrade.resumable());
                } else {
                    runner.rollback(ProcedureKind.ONLINE_UPGRADE, onlineUpgrade.resumable());
                }
                return 0;
            }
            if (resume) {
                runner.resume(ProcedureKind.UPGRADE, upgrade.resumable());
            } else {
                runner.rollback(ProcedureKind.UPGRADE, upgrade.resumable());
            }
            return 0;
        }
        if (to == null) {
            throw OperationException.invalid("give the release to upgrade to with --to DIR");
        }
        if (online && pause) {
            throw OperationException.invalid("--pause-for-verification is for the offline upgrade; an online upgrade "
                    + "verifies each node before it takes traffic");
        }
        if (plan) {
            return plan(procedures);
        }
        if (online) {
            runner.start(procedures.procedures().onlineUpgrade().to(to, procedures.currentRelease(), procedures.backupsDir()));
            return 0;
        }
        if (!yes && !Confirmation.ask(spec, "The cluster stops serving clients (they get the status page) until the"
                + " upgrade to " + to + " is done.")) {
            throw OperationException.refused("upgrade not confirmed; nothing was changed");
        }
        runner.start(upgrade.to(to, procedures.currentRelease(), procedures.backupsDir(), pause));
        return 0;
    }

    private int plan(ProcedureSession procedures) {
        PrintWriter out = spec.commandLine().getOut();
        Release target;
        try {
            target = Release.open(to);
        } catch (IllegalArgumentException e) {
            throw OperationException.refused("the target release cannot be read: " + e.getMessage());
        }
        UpgradePreflight preflight = procedures.procedures().upgradePreflight();
        String installed = new Installations(procedures.controlDb()).installedVersion().orElse("");
        List<UpgradePreflight.Check> checks = preflight.run(target, installed, procedures.backupsDir());
        out.printf("Upgrade %s -> %s%n%nPreflight:%n", installed, target.version());
        checks.forEach(check -> out.printf("  [%s] %s: %s%n", check.passed() ? "ok" : "refused", check.name(), check.detail()));
        boolean onlineAllowed = printOnlinePlan(procedures, out);
        out.printf("%nSteps%s:%n", online ? " (online)" : "");
        List<String> steps = (online ? procedures.procedures().onlineUpgrade().to(to, procedures.currentRelease(),
                procedures.backupsDir()) : procedures.procedures().upgrade().to(to, procedures.currentRelease(),
                procedures.backupsDir(), pause)).steps().stream().map(step -> step.name()).toList();
        for (int i = 0; i < steps.size(); i++) {
            out.printf("  %d. %s%n", i + 1, steps.get(i));
        }
        if (online) {
            out.printf("%nA failure before the contract step puts %s back on every replaced node, one at a time, "
                    + "without a restore; a failure from the contract step on stops there, every node serving %s.%n",
                    installed, target.version());
        } else {
            out.printf("%nA failure of step %d (the backup cannot be taken, or does not restore) rolls back before "
                    + "anything changed: the nodes start again on %s. Any failure after it until traffic is back (step "
                    + "%d) rolls back: the nodes stop, the backup is restored, %s serves again. Once traffic is back, "
                    + "a node that does not start stops the upgrade there, the verified node serving %s; "
                    + "--rollback would restore the backup, without what clients wrote since.%n",
                    stepNamed(steps, Upgrade.BACKUP_STEP), installed, stepNamed(steps, Upgrade.TRAFFIC_BACK_STEP),
                    installed, target.version());
        }
        boolean passed = checks.stream().allMatch(UpgradePreflight.Check::passed) && (!online || onlineAllowed);
        return passed ? 0 : 3;
    }

    /** The place (from 1) of the step whose name starts with {@code name}. */
    private static int stepNamed(List<String> steps, String name) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).startsWith(name)) {
                return i + 1;
            }
        }
        throw new IllegalStateException("the upgrade has no step " + name);
    }

    /** Says whether the release can be upgraded to online, and why; returns whether it can. */
    private boolean printOnlinePlan(ProcedureSession procedures, PrintWriter out) {
        OnlinePlan onlinePlan;
        try {
            onlinePlan = procedures.procedures().onlineUpgrade().plan(to);
        } catch (ParserUnavailableException | OperationException e) {
            out.printf("%nMode: offline only; the migrations cannot be linted: %s%n", e.getMessage());
            return false;
        }
        if (onlinePlan.online()) {
            out.printf("%nMode: online allowed (--online): every pending migration is declared expand or contract "
                    + "and passes the linter%n");
        } else {
            out.printf("%nMode: offline only; --online is refused because:%n");
            onlinePlan.reasons().forEach(reason -> out.printf("  %s%n", reason));
        }
        onlinePlan.lint().verdicts().stream().filter(v -> v.allowed())
                .forEach(v -> out.printf("  %s%n", v));
        return onlinePlan.online();
    }
}
