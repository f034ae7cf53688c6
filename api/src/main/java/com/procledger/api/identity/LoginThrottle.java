package com.procledger.api.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing: after {@code accountThreshold} failed sign-ins for one account, or
 * {@code ipThreshold} from one address (whatever accounts they named), further attempts are refused for a delay
 * that doubles with every failure ({@code firstDelay}, by default 1 s, then 2 s, 4 s, ... up to {@code maxDelay}),
 * without even checking the password.
 * A success clears the account's count; counts older than {@code maxDelay} are forgotten. Unknown accounts count
 * like known ones, so the throttle does not reveal which exist. In memory, per instance.
 */
public final class LoginThrottle {

    private static final int MAX_ENTRIES = 100_000;

    private record Failures(int count, Instant last) {
    }

    private final Map<String, Failures> failures = new ConcurrentHashMap<>();
    private final int accountThreshold;
    private final int ipThreshold;
    private final Duration firstDelay;
    private final Duration maxDelay;
    private final Clock clock;

    public LoginThrottle(int accountThreshold, int ipThreshold, Duration firstDelay, Duration maxDelay, Clock clock) {
        this.accountThreshold = accountThreshold;
        this.firstDelay = firstDelay;
        this.ipThreshold = ipThreshold;
        this.maxDelay = maxDelay;
        this.clock = clock;
    }

    /** How long this attempt must wait, if it may not be tried now. */
    public Optional<Duration> retryAfter(String account, String ip) {
        Instant now = clock.instant();
        Duration wait = max(waitFor(accountKey(account), accountThreshold, now), waitFor(ipKey(ip), ipThreshold, now));
        return wait.isZero() ? Optional.empty() : Optional.of(wait);
    }

    public void failed(String account, String ip) {
        Instant now = clock.instant();
        if (failures.size() > MAX_ENTRIES) {
            failures.values().removeIf(f -> f.last().plus(maxDelay).isBefore(now));
        }
        for (String key : new String[]{accountKey(account), ipKey(ip)}) {
            failures.compute(key, (k, f) -> f == null || expired(f, now) ? new Failures(1, now) : new Failures(f.count() + 1, now));
        }
    }

    public void succeeded(String account) {
        failures.remove(accountKey(account));
    }

    private Duration waitFor(String key, int threshold, Instant now) {
        Failures f = failures.get(key);
        if (f == null || f.count() < threshold || expired(f, now)) {
            return Duration.ZERO;
        }
        int doublings = Math.min(f.count() - threshold, 20);
        Duration delay = firstDelay.multipliedBy(1L << doublings);
        Instant until = f.last().plus(delay.compareTo(maxDelay) > 0 ? maxDelay : delay);
        return until.isAfter(now) ? Duration.between(now, until) : Duration.ZERO;
    }

    private boolean expired(Failures f, Instant now) {
        return f.last().plus(maxDelay).isBefore(now);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String accountKey(String account) {
        return "account:" + account.strip().toLowerCase(Locale.ROOT);
    }

    private static String ipKey(String ip) {
        return "ip:" + ip;
    }
}
