package dev.pitstop.lint;

/** PostgreSQL's parser cannot run here (no Node.js, parser not installed): nothing can be linted. */
public final class ParserUnavailableException extends RuntimeException {

    public ParserUnavailableException(String message) {
        super(message);
    }
}
