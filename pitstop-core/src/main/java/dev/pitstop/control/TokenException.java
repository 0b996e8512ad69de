package dev.pitstop.control;

/** A token that cannot be used, created, rotated or revoked; the message says why and what to do. */
public final class TokenException extends RuntimeException {

    public enum Reason {
        /** A token file that must not be used: empty, or readable by others than its owner. */
        UNSAFE_FILE,
        INVALID,
        NOT_FOUND,
        CONFLICT
    }

    private final Reason reason;

    public TokenException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
