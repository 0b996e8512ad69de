package dev.pitstop.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private Instant now = Instant.parse("2026-11-30T12:00:00Z");
    private final LoginThrottle throttle = new LoginThrottle(new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    });

    @Test
    void theLimitsFailuresWithinTheWindowStopTheAddressUntilTheFirstIsOlderThanTheWindow() {
        for (int i = 0; i < LoginThrottle.LIMIT; i++) {
            assertThat(throttle.wait("10.0.0.1")).isEmpty();
            throttle.failed("10.0.0.1");
            now = now.plusSeconds(10);
        }
        assertThat(throttle.wait("10.0.0.1")).contains(LoginThrottle.WINDOW.minusSeconds(50));
        assertThat(throttle.wait("10.0.0.2")).as("another address").isEmpty();
        now = now.plus(LoginThrottle.WINDOW.minusSeconds(50));
        assertThat(throttle.wait("10.0.0.1")).as("the first failure expired").isEmpty();
        throttle.failed("10.0.0.1");
        assertThat(throttle.wait("10.0.0.1")).contains(Duration.ofSeconds(10));
    }

    @Test
    void aSuccessfulLoginForgetsTheFailures() {
        for (int i = 0; i < LoginThrottle.LIMIT - 1; i++) {
            throttle.failed("10.0.0.1");
        }
        throttle.succeeded("10.0.0.1");
        throttle.failed("10.0.0.1");
        assertThat(throttle.wait("10.0.0.1")).isEmpty();
    }
}
