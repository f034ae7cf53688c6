package com.procledger.api.http;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final RateLimiter limiter = new RateLimiter(now::get);

    @Test
    void aClientBurstsUpToTheCapacityThenGoesAtTheRefillRateAndIsToldHowLongToWait() {
        Duration minute = Duration.ofMinutes(1);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.take("token:a", 3, minute)).as("request %d", i + 1).isEmpty();
        }
        assertThat(limiter.take("token:a", 3, minute)).isEqualTo(OptionalLong.of(20)); // one per 20 s
        assertThat(limiter.take("token:b", 3, minute)).as("another client's bucket").isEmpty();
        now.addAndGet(Duration.ofSeconds(19).toNanos());
        assertThat(limiter.take("token:a", 3, minute)).isEqualTo(OptionalLong.of(1));
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(limiter.take("token:a", 3, minute)).isEmpty();
        assertThat(limiter.take("token:a", 3, minute)).isPresent();
    }
}
