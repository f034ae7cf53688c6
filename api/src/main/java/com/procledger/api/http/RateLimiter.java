package com.procledger.api.http;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets by key ("token:…", "ip:…"): each holds up to {@code capacity} requests and refills at
 * {@code capacity} per {@code period}, so a client may burst up to the capacity and then goes at the refill rate.
 * In memory, per instance.
 */
public final class RateLimiter {

    private static final int MAX_KEYS = 100_000;

    private static final class Bucket {
        double tokens;
        long refilledAt;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.refilledAt = at;
        }
    }

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    public RateLimiter(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** Takes one request from {@code key}'s bucket; empty when allowed, else the seconds until one is available. */
    public OptionalLong take(String key, long capacity, Duration period) {
        long now = nanoTime.getAsLong();
        double perNano = (double) capacity / period.toNanos();
        if (buckets.size() > MAX_KEYS) {
            // full buckets hold no information: forget them
            buckets.entrySet().removeIf(e -> {
                synchronized (e.getValue()) {
                    return e.getValue().tokens + (now - e.getValue().refilledAt) * perNano >= capacity;
                }
            });
        }
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(capacity, now));
        synchronized (bucket) {
            bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.refilledAt) * perNano);
            bucket.refilledAt = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return OptionalLong.empty();
            }
            double nanosToOne = (1 - bucket.tokens) / perNano;
            return OptionalLong.of(Math.max(1, (long) Math.ceil(nanosToOne / 1e9)));
        }
    }
}
