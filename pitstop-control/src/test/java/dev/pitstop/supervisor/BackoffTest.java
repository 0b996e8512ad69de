package dev.pitstop.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final Duration BRIEFLY = Duration.ofSeconds(3);

    @Test
    void doublesUpToAMinute() {
        Backoff backoff = new Backoff();

        assertThat(backoff.next(BRIEFLY)).hasSeconds(1);
        assertThat(backoff.next(BRIEFLY)).hasSeconds(2);
        assertThat(backoff.next(BRIEFLY)).hasSeconds(4);
        for (int i = 0; i < 10; i++) {
            backoff.next(BRIEFLY);
        }
        assertThat(backoff.next(BRIEFLY)).isEqualTo(Backoff.MAX);
    }

    @Test
    void startsOverAfterANodeRanStably() {
        Backoff backoff = new Backoff();
        backoff.next(BRIEFLY);
        backoff.next(BRIEFLY);

        assertThat(backoff.next(Backoff.STABLE)).isEqualTo(Backoff.INITIAL);
    }
}
