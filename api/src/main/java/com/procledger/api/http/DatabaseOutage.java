package com.procledger.api.http;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tells a failure because the database cannot be reached (gone, restarting, out of connections) from a bug, and
 * keeps the log readable through an outage: one WARN when it starts (and one a minute while it lasts), not an
 * ERROR with a stack trace per request. Such failures are answered 503 with {@code Retry-After}.
 */
public final class DatabaseOutage {

    private static final Logger log = LoggerFactory.getLogger(DatabaseOutage.class);
    public static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    private static final long WARN_EVERY_NANOS = Duration.ofMinutes(1).toNanos();
    private static final AtomicLong lastWarned = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
    private static final long FRESH_NANOS = Duration.ofSeconds(2).toNanos();
    private static volatile long lastSeen = System.nanoTime() - FRESH_NANOS;

    private DatabaseOutage() {
    }

    private static boolean assumed(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof Assumed) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code failure} (or a cause of it) says the database cannot be reached. */
    public static boolean isCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof ConnectException
                    || t instanceof org.springframework.jdbc.CannotGetJdbcConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true; // connection exceptions; admin or crash shutdown, cannot connect now
            }
        }
        return false;
    }

    /** A failure assumed, not observed: the database was found unreachable just now ({@link #seenJustNow}). */
    public static final class Assumed extends SQLTransientConnectionException {
        public Assumed() {
            super("the database was unreachable a moment ago");
        }
    }

    /**
     * Whether a request found the database unreachable within the last two seconds: work that would only wait for
     * it again (recording the access of a request already answered 503) gives up at once.
     */
    public static boolean seenJustNow() {
        return System.nanoTime() - lastSeen < FRESH_NANOS;
    }

    /** Logs the outage at most once a minute, without a stack trace. */
    public static void noted(Throwable failure) {
        long now = System.nanoTime();
        if (!assumed(failure)) {
            lastSeen = now; // only what was seen keeps the outage fresh, or it would never end
        }
        long last = lastWarned.get();
        if (now - last >= WARN_EVERY_NANOS && lastWarned.compareAndSet(last, now)) {
            Throwable root = failure;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            log.warn("The database cannot be reached ({}); answering 503 until it is back (this is said once a minute)",
                    root.getMessage());
        }
    }
}
