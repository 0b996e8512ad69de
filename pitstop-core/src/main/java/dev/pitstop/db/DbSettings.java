package dev.pitstop.db;

/** How to reach the cluster's PostgreSQL. The password is never logged or put on a command line. */
public record DbSettings(String url, String user, String password) {

    public DbSettings {
        if (url == null || !url.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException(
                    "database URL must look like jdbc:postgresql://HOST:PORT/DATABASE, got: " + url);
        }
    }

    @Override
    public String toString() {
        return url + (user == null ? "" : " as " + user);
    }
}
