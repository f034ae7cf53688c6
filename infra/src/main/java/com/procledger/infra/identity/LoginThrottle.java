package com.procledger.infra.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Slows down password guessing: after {@code accountThreshold} failed sign-ins for one account, or
 * {@code ipThreshold} from one address (whatever accounts they named), further attempts are refused for a delay
 * that doubles with every failure ({@code firstDelay}, by default 1 s, then 2 s, 4 s, ... up to {@code maxDelay}),
 * without even checking the password.
 *
 * <p>An attempt is counted <em>before</em> its password is checked ({@link #reserve}), as if it had failed, so
 * that simultaneous attempts cannot all slip through while none has failed yet: at most the threshold is ever being
 * checked at once. Its outcome then settles the count: {@link #failed} keeps it, {@link #succeeded} clears the
 * account's count, {@link #released} takes back an attempt that was neither (a second factor still to be sent).
 * Counts older than {@code maxDelay} are forgotten. Unknown accounts count like known ones, so the throttle does not
 * reveal which exist. In memory, per instance.
 */
public final class LoginThrottle {

    private static final int MAX_ENTRIES = 100_000;

    private record Failures(int count, Instant last) {
    }

    private final Map<String, Failures> failures = new HashMap<>();
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

    /**
     * Reserves a try of this account from this address: counted at once, as a failure until settled. Empty when the
     * attempt may go ahead; else how long it must wait (and it is not counted).
     */
    public synchronized Optional<Duration> reserve(String account, String ip) {
        Instant now = clock.instant();
        Duration wait = max(waitFor(accountKey(account), accountThreshold, now), waitFor(ipKey(ip), ipThreshold, now));
        if (!wait.isZero()) {
            return Optional.of(wait);
        }
        if (failures.size() > MAX_ENTRIES) {
            failures.values().removeIf(f -> expired(f, now));
        }
        for (String key : keys(account, ip)) {
            failures.compute(key, (k, f) -> f == null || expired(f, now) ? new Failures(1, now) : new Failures(f.count() + 1, now));
        }
        return Optional.empty();
    }

    /** The reserved attempt failed: it stays counted, and the delay runs from now. */
    public synchronized void failed(String account, String ip) {
        Instant now = clock.instant();
        for (String key : keys(account, ip)) {
            failures.compute(key, (k, f) -> f == null ? new Failures(1, now) : new Failures(f.count(), now));
        }
    }

    /** The reserved attempt succeeded: the account starts afresh, and the address is not held to it. */
    public synchronized void succeeded(String account, String ip) {
        failures.remove(accountKey(account));
        takeBack(ipKey(ip));
    }

    /** The reserved attempt neither failed nor succeeded (the password was right, a second factor is still due). */
    public synchronized void released(String account, String ip) {
        for (String key : keys(account, ip)) {
            takeBack(key);
        }
    }

    /** Forgets what is counted against an account (its address is erased: nothing about it is kept). */
    public synchronized void forgetAccount(String account) {
        failures.remove(accountKey(account));
    }

    private void takeBack(String key) {
        failures.computeIfPresent(key, (k, f) -> f.count() <= 1 ? null : new Failures(f.count() - 1, f.last()));
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

    private static String[] keys(String account, String ip) {
        return new String[]{accountKey(account), ipKey(ip)};
    }

    private static String accountKey(String account) {
        return "account:" + account.strip().toLowerCase(Locale.ROOT);
    }

    private static String ipKey(String ip) {
        return "ip:" + ip;
    }
}
