package dev.pitstop.plugin;

@FunctionalInterface
public interface Handler {

    Response handle(Request request) throws Exception;
}
