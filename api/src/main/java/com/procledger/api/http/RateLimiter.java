package com.procledger.api.http;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets by key ("token:…", "ip:…"), Bucket4j's: each holds up to {@code capacity} requests and refills
 * greedily at {@code capacity} per {@code period}, so a client may burst up to the capacity and then goes at the
 * refill rate. In memory, per instance; buckets that are full again (they hold no information) are forgotten when
 * there are too many keys.
 */
public final class RateLimiter {

    private static final int MAX_KEYS = 100_000;

    private record Keyed(Bucket bucket, long capacity) {
    }

    private final Map<String, Keyed> buckets = new ConcurrentHashMap<>();
    private final TimeMeter clock;

    public RateLimiter(LongSupplier nanoTime) {
        this.clock = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return nanoTime.getAsLong();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
    }

    /** Takes one request from {@code key}'s bucket; empty when allowed, else the seconds until one is available. */
    public OptionalLong take(String key, long capacity, Duration period) {
        if (buckets.size() > MAX_KEYS) {
            buckets.values().removeIf(keyed -> keyed.bucket().getAvailableTokens() >= keyed.capacity());
        }
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Keyed(Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(capacity, period).build())
                .withCustomTimePrecision(clock).build(), capacity)).bucket();
        var probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Math.max(1, (long) Math.ceil(probe.getNanosToWaitForRefill() / 1e9)));
    }
}
