package dev.pitstop.plugin;

/** Thrown by a handler, or by {@link Request#json()}, to answer 400 with the message. */
public class BadRequestException extends RuntimeException {

    public BadRequestException(String message) {
        super(message);
    }
}
