package com.procledger.api.http;

import java.time.Duration;

/** The service cannot take this work on right now: 503 with {@code Retry-After}. */
public class Unavailable extends RuntimeException {

    private final Duration retryAfter;

    public Unavailable(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
