package dev.pitstop.plugin;

import java.util.Map;

public interface Request {

    String method();

    String path();

    /** The value of a {@code {name}} segment of the route's path. */
    String pathParam(String name);

    /** The first value of a query parameter, or null. */
    String queryParam(String name);

    /**
     * The body parsed as a JSON object.
     *
     * @throws BadRequestException when the body is not a JSON object
     */
    Map<String, Object> json();
}
