package dev.pitstop.db;

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

    @Override
    public String toString() {
        return url + (user == null ? "" : " as " + user);
    }
}
