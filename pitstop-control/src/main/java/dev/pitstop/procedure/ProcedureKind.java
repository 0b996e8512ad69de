package dev.pitstop.procedure;

import java.util.Arrays;

/** The procedures there are, by the name the journal records and the command that runs each. */
public enum ProcedureKind {
    MAINTENANCE_BEGIN("maintenance-begin", "pitstop maintenance begin", true),
    MAINTENANCE_END("maintenance-end", "pitstop maintenance end", false),
    UPGRADE("upgrade", "pitstop upgrade", true),
    ONLINE_UPGRADE("online-upgrade", "pitstop upgrade", true),
    RESTORE("restore", "pitstop backup restore", true),
    MIGRATION_APPLY("migration-apply", "pitstop migration apply", false);

    private final String label;
    private final String command;
    private final boolean canRollBack;

    ProcedureKind(String label, String command, boolean canRollBack) {
        this.label = label;
        this.command = command;
        this.canRollBack = canRollBack;
    }

    /** The name in the journal, the audit log, {@code status} and {@code history}. */
    public String label() {
        return label;
    }

    /** The command that starts, resumes ({@code --resume}) and rolls back ({@code --rollback}) it. */
    public String command() {
        return command;
    }

    /** What an operator can do to end an open procedure of this kind: the commands, in a sentence. */
    public String howToFinish() {
        return "continue it with '" + command + " --resume'"
                + (canRollBack ? " or undo it with '" + command + " --rollback'" : "");
    }

    /** The last resort, for an open procedure that neither resume nor rollback can end. */
    public String howToGiveUp() {
        return "if that cannot work, '" + command + " --abandon' gives it up and leaves the cluster as it is (see "
                + "'" + command + " --help')";
    }

    /** {@link #howToGiveUp()} for a kind in the journal; one this build does not know came from a newer build. */
    public static String howToGiveUp(String label) {
        return Arrays.stream(values()).filter(k -> k.label.equals(label)).findFirst()
                .map(ProcedureKind::howToGiveUp)
                .orElse("finish it with the Pitstop version that started it");
    }

    /** {@link #howToFinish()} for a kind in the journal; one this build does not know came from a newer build. */
    public static String howToFinish(String label) {
        return Arrays.stream(values()).filter(k -> k.label.equals(label)).findFirst()
                .map(ProcedureKind::howToFinish)
                .orElse("finish it with the Pitstop version that started it");
    }
}
