package dev.pitstop.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.control.ApiTokens;
import dev.pitstop.control.Role;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpCookie;
import org.junit.jupiter.api.Test;

class SessionsTest {

    private static final ApiTokens.ApiToken VIEWER = new ApiTokens.ApiToken("watcher", Role.VIEWER, Instant.EPOCH, null);

    @Test
    void aSessionEndsAtItsLifetimeOrAtLogout() {
        MutableClock clock = new MutableClock();
        List<Sessions.Session> ended = new ArrayList<>();
        Sessions sessions = new Sessions(clock, ended::add);
        Sessions.Session session = sessions.open(VIEWER, "value");
        assertThat(sessions.find(session.id())).contains(session);
        clock.now = clock.now.plus(Sessions.LIFETIME).plusSeconds(1);
        assertThat(sessions.find(session.id())).isEmpty();

        Sessions.Session next = sessions.open(VIEWER, "value");
        sessions.close(next);
        assertThat(sessions.find(next.id())).isEmpty();
        assertThat(sessions.find(null)).isEmpty();
        assertThat(ended).containsExactly(session, next);
    }

    @Test
    void theSweepEndsAnExpiredSessionOnceWithoutALogin() {
        MutableClock clock = new MutableClock();
        List<Sessions.Session> ended = new ArrayList<>();
        Sessions sessions = new Sessions(clock, ended::add);
        Sessions.Session session = sessions.open(VIEWER, "value");

        sessions.expire();
        assertThat(ended).isEmpty();
        clock.now = clock.now.plus(Sessions.LIFETIME).plusSeconds(1);
        sessions.expire();
        sessions.expire();
        sessions.close(session);

        assertThat(ended).containsExactly(session);
    }

    @Test
    void theCsrfTokenIsTheSessionsOwnAndAViewerMayOnlyRead() {
        Sessions sessions = new Sessions(Clock.systemUTC(), session -> { });
        Sessions.Session one = sessions.open(VIEWER, "value");
        Sessions.Session other = sessions.open(VIEWER, "value");
        assertThat(one.csrf()).isNotEqualTo(one.id()).isNotEqualTo(other.csrf());
        assertThat(one.csrfMatches(one.csrf())).isTrue();
        assertThat(one.csrfMatches(other.csrf())).isFalse();
        assertThat(one.csrfMatches(null)).isFalse();
        assertThat(one.may(Role.Need.READ)).isTrue();
        assertThat(one.may(Role.Need.CHANGE)).isFalse();
    }

    @Test
    void theCookieIsHiddenFromScriptsAndNeverSentCrossSite() {
        HttpCookie plain = Sessions.cookie("id", false, Duration.ofHours(1));
        assertThat(plain.isHttpOnly()).isTrue();
        assertThat(plain.isSecure()).isFalse();
        assertThat(plain.getSameSite()).isEqualTo(HttpCookie.SameSite.STRICT);
        assertThat(plain.getPath()).isEqualTo("/.pitstop");
        assertThat(Sessions.cookie("id", true, Duration.ofHours(1)).isSecure()).isTrue();
    }

    private static final class MutableClock extends Clock {

        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
