package dev.pitstop.cli;

import java.io.Console;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;

/** Asks the operator to confirm an operation that takes the cluster down or replaces its data. */
final class Confirmation {

    private Confirmation() {
    }

    /**
     * Shows what will happen and asks to type "yes". Without a terminal (scripts, CI) it cannot ask,
     * so it declines: such callers confirm with {@code --yes}.
     */
    static boolean ask(CommandSpec spec, String consequence) {
        Console console = System.console();
        if (console == null) {
            spec.commandLine().getErr().println(consequence + " There is no terminal to confirm on: add --yes.");
            return false;
        }
        String answer = console.readLine("%s%nType yes to go ahead: ", consequence);
        return answer != null && answer.strip().toLowerCase(Locale.ROOT).equals("yes");
    }
}
