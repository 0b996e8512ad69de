package dev.pitstop.cli;

import dev.pitstop.procedure.OperationException;
import dev.pitstop.procedure.ProcedureKind;
import picocli.CommandLine.Option;

/** {@code --abandon}, the same on every command that runs a procedure. */
final class AbandonOption {

    @Option(names = "--abandon", description = "The last resort, for an open procedure of this command that neither "
            + "--resume nor --rollback can finish. It ends the procedure in the journal as 'abandoned', and does "
            + "nothing else: no step is undone or finished; the nodes stay stopped or running, on the release they "
            + "have; the status page stays up or down; the data stays as the last step left it. Only an upgrade "
            + "authorisation is withdrawn, so that no node changes the database for a procedure nobody runs, and the "
            + "nodes an online upgrade held out of the rotation are let back in. Other procedures may then run. It is written to the audit log with your name ('pitstop history'). Then "
            + "'pitstop status' shows what runs; 'pitstop maintenance page off' takes a status page down; the "
            + "backups the procedure took are in 'pitstop backup list'.")
    private boolean abandon;

    boolean requested() {
        return abandon;
    }

    /** A usage error when {@code --abandon} comes with an option that starts or continues the procedure. */
    void requireAlone(boolean withOthers) {
        if (abandon && withOthers) {
            throw OperationException.invalid("--abandon gives up the open procedure and takes no other option or FILE");
        }
    }

    void abandon(ProcedureSession procedures, ProcedureKind kind) {
        System.out.println(procedures.runner().abandon(kind));
    }
}
