package dev.pitstop.control;

/** The control schema could not be read or written; the message names the statement. */
public class ControlSchemaException extends RuntimeException {

    public ControlSchemaException(String message, Throwable cause) {
        super(message + ": " + cause.getMessage(), cause);
    }
}
