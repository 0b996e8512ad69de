package dev.pitstop.backup;

import dev.pitstop.backup.format.Manifest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The server settings a backup records and a restore compares. */
public final class ServerSettings {

    private ServerSettings() {
    }

    public static Manifest.Server read(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_setting('server_version'),"
                     + " current_setting('server_version_num')::int, current_setting('server_encoding')")) {
            rs.next();
            return new Manifest.Server(rs.getString(1), rs.getInt(2), rs.getString(3));
        }
    }

    /**
     * Why {@code backup}'s data cannot be loaded into {@code target}, or null when it can. An older
     * major version may not know syntax the newer one printed the definitions in; another encoding
     * would reinterpret or reject the text.
     */
    static String incompatibility(Manifest.Server backup, Manifest.Server target) {
        if (target.major() < backup.major()) {
            return "the backup comes from PostgreSQL " + backup.version() + " and this server runs " + target.version()
                    + ": restore it into PostgreSQL " + backup.major() + " or newer";
        }
        if (!target.encoding().equals(backup.encoding())) {
            return "the backup's database is encoded in " + backup.encoding() + " and this one in " + target.encoding()
                    + ": restore it into a database created with ENCODING '" + backup.encoding() + "'";
        }
        return null;
    }
}
