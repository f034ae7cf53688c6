package com.procledger.api.identity;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

class LoginThrottleTest {

    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-11-22T10:00:00Z");

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

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    final TestClock clock = new TestClock();
    final LoginThrottle throttle = new LoginThrottle(3, 5, Duration.ofSeconds(1), Duration.ofMinutes(15), clock);

    @Test
    void anAccountIsHeldBackAfterItsThresholdWithADelayThatDoubles() {
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.retryAfter("Ann@Example.test", "10.0.0.1")).isEmpty();
            throttle.failed("ann@example.test", "10.0.0." + i);
        }
        assertThat(throttle.retryAfter("ann@example.test", "10.0.0.9")).contains(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertThat(throttle.retryAfter("ann@example.test", "10.0.0.9")).isEmpty();
        throttle.failed("ann@example.test", "10.0.0.9");
        assertThat(throttle.retryAfter("ann@example.test", "10.0.0.9")).contains(Duration.ofSeconds(2));
        clock.advance(Duration.ofSeconds(2));
        throttle.failed("ann@example.test", "10.0.0.9");
        assertThat(throttle.retryAfter("ann@example.test", "10.0.0.9")).contains(Duration.ofSeconds(4));
        // other accounts are not held back by Ann's failures
        assertThat(throttle.retryAfter("bob@example.test", "10.0.0.50")).isEmpty();
    }

    @Test
    void oneAddressTryingManyAccountsIsHeldBackToo() {
        for (int i = 0; i < 5; i++) {
            throttle.failed("user" + i + "@example.test", "203.0.113.7");
        }
        assertThat(throttle.retryAfter("someone-new@example.test", "203.0.113.7")).contains(Duration.ofSeconds(1));
        assertThat(throttle.retryAfter("someone-new@example.test", "203.0.113.8")).isEmpty();
    }

    @Test
    void aSuccessClearsTheAccountAndOldFailuresAreForgotten() {
        for (int i = 0; i < 3; i++) {
            throttle.failed("ann@example.test", "10.0.0.1");
        }
        throttle.succeeded("ann@example.test");
        assertThat(throttle.retryAfter("ann@example.test", "10.0.0.2")).isEmpty();
        for (int i = 0; i < 20; i++) {
            throttle.failed("cy@example.test", "10.0.0.3");
        }
        assertThat(throttle.retryAfter("cy@example.test", "10.0.0.4")).contains(Duration.ofMinutes(15));
        clock.advance(Duration.ofMinutes(16));
        assertThat(throttle.retryAfter("cy@example.test", "10.0.0.4")).isEmpty();
    }
}
