package dev.pitstop.db;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How to reach the cluster's PostgreSQL. The password is never logged or put on a command line. */
public record DbSettings(String url, String user, String password) {

    public DbSettings {
        if (url == null || !url.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException(
                    "database URL must look like jdbc:postgresql://HOST:PORT/DATABASE, got: " + url);
        }
    }

    /** The same server, user and URL parameters, for the database {@code name}. */
    public DbSettings withDatabase(String name) {
        int start = url.indexOf('/', "jdbc:postgresql://".length());
        int query = url.indexOf('?');
        String server = start < 0 ? (query < 0 ? url : url.substring(0, query)) : url.substring(0, start);
        String parameters = query < 0 ? "" : url.substring(query);
        return new DbSettings(server + "/" + name + parameters, user, password);
    }

    /**
     * The same server and database as another user. The URL's {@code user} and {@code password}
     * parameters are dropped, as the driver would prefer them to these.
     */
    public DbSettings as(String otherUser, String otherPassword) {
        int query = url.indexOf('?');
        if (query < 0) {
            return new DbSettings(url, otherUser, otherPassword);
        }
        String kept = Arrays.stream(url.substring(query + 1).split("&"))
                .filter(p -> !p.startsWith("user=") && !p.startsWith("password="))
                .collect(Collectors.joining("&"));
        return new DbSettings(url.substring(0, query) + (kept.isEmpty() ? "" : "?" + kept), otherUser, otherPassword);
    }

    @Override
    public String toString() {
        return url + (user == null ? "" : " as " + user);
    }
}
