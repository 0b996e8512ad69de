package dev.pitstop.procedure;

/**
 * An operation that did not happen or did not finish. Its kind is what the CLI's exit code reports;
 * its message is one line for the operator: what went wrong and, for a failure, the state the
 * cluster was left in.
 */
public class OperationException extends RuntimeException {

    public enum Kind {
        /** Started but did not finish; exit code 1. */
        FAILED(1),
        /** Bad input: an argument or configuration that cannot work; exit code 2. */
        INVALID(2),
        /** Refused before changing anything: a preflight check or a policy; exit code 3. */
        REFUSED(3);

        private final int exitCode;

        Kind(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    private final Kind kind;

    public OperationException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public static OperationException failed(String message) {
        return new OperationException(Kind.FAILED, message);
    }

    public static OperationException invalid(String message) {
        return new OperationException(Kind.INVALID, message);
    }

    public static OperationException refused(String message) {
        return new OperationException(Kind.REFUSED, message);
    }

    public Kind kind() {
        return kind;
    }
}
