package dev.pitstop.control;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The named tokens the admin API accepts, in the control schema ({@code pitstop.tokens}), stored as
 * hashes. A token's value exists only where it was handed out: printed once, or in a 0600 file.
 * The home's own admin token is the token named {@value #HOME_ADMIN}, kept in line with the home's
 * file by {@code pitstop up}.
 */
public final class ApiTokens {

    /** The token in the home's admin token file. */
    public static final String HOME_ADMIN = "admin";

    private final DataSource dataSource;

    public ApiTokens(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A token as the cluster knows it: never its value. */
    public record ApiToken(String name, Role role, Instant createdAt, Instant rotatedAt) {
    }

    /** The token whose value this is, if any; an empty or absent value matches none. */
    public Optional<ApiToken> authenticate(String value) {
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        // The lookup is by hash, so timing reveals nothing about how close a guess came.
        return Optional.ofNullable(Sql.query(dataSource, SELECT + " WHERE hash = ?", ApiTokens::map, Tokens.hash(value)));
    }

    public List<ApiToken> list() {
        return Sql.list(dataSource, SELECT + " ORDER BY name", ApiTokens::map);
    }

    public Optional<ApiToken> find(String name) {
        return Optional.ofNullable(Sql.query(dataSource, SELECT + " WHERE name = ?", ApiTokens::map, name));
    }

    /**
     * Creates a token; returns its value, which nothing keeps.
     *
     * @throws TokenException when the name is taken or not a valid name
     */
    public String create(String name, Role role) {
        requireName(name);
        if (find(name).isPresent()) {
            throw new TokenException(TokenException.Reason.CONFLICT, "a token named '" + name
                    + "' exists; rotate it (pitstop token rotate " + name + ") or revoke it first");
        }
        String value = Tokens.generate();
        Sql.update(dataSource, "INSERT INTO pitstop.tokens (name, hash, role) VALUES (?, ?, ?)",
                name, Tokens.hash(value), role.label());
        return value;
    }

    /** Gives the token a new value; the old one stops working at once. Returns the new value. */
    public String rotate(String name) {
        String value = Tokens.generate();
        if (Sql.update(dataSource, "UPDATE pitstop.tokens SET hash = ?, rotated_at = now() WHERE name = ?",
                Tokens.hash(value), name) == 0) {
            throw notFound(name);
        }
        return value;
    }

    public void revoke(String name) {
        if (Sql.update(dataSource, "DELETE FROM pitstop.tokens WHERE name = ?", name) == 0) {
            throw notFound(name);
        }
    }

    /** Records the home's admin token (by hash), replacing the one recorded before. */
    public void putHomeAdmin(String hash) {
        Sql.update(dataSource, "INSERT INTO pitstop.tokens (name, hash, role) VALUES (?, ?, 'admin')"
                + " ON CONFLICT (name) DO UPDATE SET hash = excluded.hash, role = 'admin',"
                + " rotated_at = CASE WHEN tokens.hash = excluded.hash THEN tokens.rotated_at ELSE now() END",
                HOME_ADMIN, hash);
    }

    private static final String SELECT = "SELECT name, role, created_at, rotated_at FROM pitstop.tokens";

    private static ApiToken map(java.sql.ResultSet rs) throws java.sql.SQLException {
        java.sql.Timestamp rotated = rs.getTimestamp(4);
        return new ApiToken(rs.getString(1), Role.of(rs.getString(2)), rs.getTimestamp(3).toInstant(),
                rotated == null ? null : rotated.toInstant());
    }

    private static void requireName(String name) {
        if (name == null || !name.matches("[a-z0-9][a-z0-9._-]{0,62}")) {
            throw new TokenException(TokenException.Reason.INVALID, "a token name is 1 to 63 characters: lower-case"
                    + " letters, digits, '.', '_' or '-', starting with a letter or digit; got '" + name + "'");
        }
    }

    private static TokenException notFound(String name) {
        return new TokenException(TokenException.Reason.NOT_FOUND, "no token named '" + name
                + "'; see pitstop token list");
    }
}
