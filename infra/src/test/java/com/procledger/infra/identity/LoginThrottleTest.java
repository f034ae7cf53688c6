package com.procledger.infra.identity;

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

    /** One attempt that is let through and then fails. */
    private void fail(String account, String ip) {
        assertThat(throttle.reserve(account, ip)).as("%s from %s may try", account, ip).isEmpty();
        throttle.failed(account, ip);
    }

    @Test
    void anAccountIsHeldBackAfterItsThresholdWithADelayThatDoubles() {
        for (int i = 0; i < 3; i++) {
            fail(i == 0 ? "Ann@Example.test" : "ann@example.test", "10.0.0." + i);
        }
        assertThat(throttle.reserve("ann@example.test", "10.0.0.9")).contains(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        fail("ann@example.test", "10.0.0.9");
        assertThat(throttle.reserve("ann@example.test", "10.0.0.9")).contains(Duration.ofSeconds(2));
        clock.advance(Duration.ofSeconds(2));
        fail("ann@example.test", "10.0.0.9");
        assertThat(throttle.reserve("ann@example.test", "10.0.0.9")).contains(Duration.ofSeconds(4));
        // other accounts are not held back by Ann's failures
        assertThat(throttle.reserve("bob@example.test", "10.0.0.50")).isEmpty();
    }

    @Test
    void oneAddressTryingManyAccountsIsHeldBackToo() {
        for (int i = 0; i < 5; i++) {
            fail("user" + i + "@example.test", "203.0.113.7");
        }
        assertThat(throttle.reserve("someone-new@example.test", "203.0.113.7")).contains(Duration.ofSeconds(1));
        assertThat(throttle.reserve("someone-new@example.test", "203.0.113.8")).isEmpty();
    }

    @Test
    void aSuccessClearsTheAccountAndOldFailuresAreForgotten() {
        for (int i = 0; i < 2; i++) {
            fail("ann@example.test", "10.0.0.1");
        }
        assertThat(throttle.reserve("ann@example.test", "10.0.0.1")).isEmpty();
        throttle.succeeded("ann@example.test", "10.0.0.1");
        for (int i = 0; i < 3; i++) {
            fail("ann@example.test", "10.0.0.2");
        }
        for (int i = 0; i < 13; i++) {
            for (var wait = throttle.reserve("cy@example.test", "10.0.0.3"); wait.isPresent();
                 wait = throttle.reserve("cy@example.test", "10.0.0.3")) {
                clock.advance(wait.get());
            }
            throttle.failed("cy@example.test", "10.0.0.3");
        }
        assertThat(throttle.reserve("cy@example.test", "10.0.0.4")).contains(Duration.ofMinutes(15));
        clock.advance(Duration.ofMinutes(16));
        assertThat(throttle.reserve("cy@example.test", "10.0.0.4")).isEmpty();
    }

    @Test
    void simultaneousAttemptsAreCountedBeforeTheyAreCheckedSoAtMostTheThresholdGoesAhead() throws Exception {
        int attempts = 30;
        var start = new java.util.concurrent.CountDownLatch(1);
        var admitted = new java.util.concurrent.atomic.AtomicInteger();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(attempts)) {
            for (int i = 0; i < attempts; i++) {
                pool.submit(() -> {
                    start.await();
                    // nothing has failed yet: every attempt is still "being checked"
                    if (throttle.reserve("dan@example.test", "10.0.1.1").isEmpty()) {
                        admitted.incrementAndGet();
                    }
                    return null;
                });
            }
            start.countDown();
        }
        assertThat(admitted).hasValue(3);
    }

    @Test
    void anAttemptThatWaitsForItsSecondFactorIsTakenBack() {
        for (int i = 0; i < 10; i++) {
            assertThat(throttle.reserve("eve@example.test", "10.0.2.1")).isEmpty();
            throttle.released("eve@example.test", "10.0.2.1");
        }
        fail("eve@example.test", "10.0.2.1");
    }
}
