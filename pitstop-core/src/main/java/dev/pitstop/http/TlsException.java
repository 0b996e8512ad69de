package dev.pitstop.http;

/** A certificate or key that cannot be used; the message names the file and what is wrong. */
public final class TlsException extends RuntimeException {

    public TlsException(String message) {
        super(message);
    }
}
