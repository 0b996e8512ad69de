package dev.pitstop.config;

/** Configuration that cannot be used; the message names the key and what to do. */
public class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }
}
