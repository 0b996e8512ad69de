package dev.pitstop.console;

import dev.pitstop.control.ApiTokens;
import dev.pitstop.control.Role;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpCookie;

/**
 * Console sessions, in the memory of the process that serves the console: a restart of the gateway
 * logs everyone out, which is the safe side. A session holds the token its user logged in with,
 * because the console acts with it — the nodes' admin API checks its role and audits its name, as
 * for the CLI — and a CSRF token that every change must send back.
 */
final class Sessions {

    static final String COOKIE = "pitstop-console";
    /** A session ends this long after login, active or not: a token left in a browser must not live forever. */
    static final Duration LIFETIME = Duration.ofHours(8);

    record Session(String id, String csrf, ApiTokens.ApiToken token, String tokenValue, Instant expiresAt) {

        boolean may(Role.Need need) {
            return token.role().allows(need);
        }

        /** Whether {@code sent} is this session's CSRF token, compared in constant time. */
        boolean csrfMatches(String sent) {
            return sent != null && MessageDigest.isEqual(csrf.getBytes(), sent.getBytes());
        }
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Consumer<Session> ended;

    /** @param ended told of each session once, when it is closed or found expired: what it held can go */
    Sessions(Clock clock, Consumer<Session> ended) {
        this.clock = clock;
        this.ended = ended;
    }

    Session open(ApiTokens.ApiToken token, String tokenValue) {
        Instant now = clock.instant();
        expire();
        Session session = new Session(randomId(), randomId(), token, tokenValue, now.plus(LIFETIME));
        sessions.put(session.id(), session);
        return session;
    }

    /** The live session of this cookie value, if any. */
    Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Session session = sessions.get(id);
        if (session == null || session.expiresAt().isBefore(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(session);
    }

    void close(Session session) {
        end(session);
    }

    /** Ends the sessions whose lifetime is over; the console calls it every minute, besides at each login. */
    void expire() {
        Instant now = clock.instant();
        sessions.values().stream().filter(s -> s.expiresAt().isBefore(now)).toList().forEach(this::end);
    }

    /** Only the caller that removes the session tells of its end, so it is told once. */
    private void end(Session session) {
        if (sessions.remove(session.id(), session)) {
            ended.accept(session);
        }
    }

    /** The session cookie: script cannot read it, it goes only to the console, never cross-site. */
    static HttpCookie cookie(String value, boolean secure, Duration maxAge) {
        return HttpCookie.build(COOKIE, value).path("/.pitstop").httpOnly(true).secure(secure)
                .sameSite(HttpCookie.SameSite.STRICT).maxAge(maxAge.toSeconds()).build();
    }

    private String randomId() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
