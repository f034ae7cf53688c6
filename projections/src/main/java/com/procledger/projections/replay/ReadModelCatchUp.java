package com.procledger.projections.replay;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.EventTrackerStatusChangeListener;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Read-your-writes for REST clients: a command's answer waits until every read model has processed the ledger's
 * business events up to the command's own last event (or, without one, the last as the ledger stands). Waiting is
 * not polling: the tracking processors report each batch they finish ({@link #listener()}, registered on every
 * processor), and a report that takes all of them past a waiting position wakes its waiters. Writes are never lost
 * by a time-out here: the events are committed; only the answer may come before the read models show them (logged).
 * (The access log has no processor to wait for: the ledger's append keeps it, ADR 0013.)
 */
public class ReadModelCatchUp {

    private static final Logger log = LoggerFactory.getLogger(ReadModelCatchUp.class);

    private record Waiter(long position, CompletableFuture<Void> reached) {
    }

    private final EventProcessingConfiguration processing;
    private final LongSupplier ledgerHead;
    private final Duration timeout;
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>(Comparator.comparingLong(Waiter::position));
    private volatile int waiting;

    /**
     * @param ledgerHead the global position of the ledger's last business event (what the read models follow)
     * @param timeout    how long an answer waits for them
     */
    public ReadModelCatchUp(EventProcessingConfiguration processing, LongSupplier ledgerHead, Duration timeout) {
        this.processing = processing;
        this.ledgerHead = ledgerHead;
        this.timeout = timeout;
    }

    /**
     * What every tracking processor must be told of (its configuration's status change listener): each time it
     * has committed a batch, or its state changed, waiters are looked at. Positions count as changes.
     */
    public static EventTrackerStatusChangeListener listener(java.util.function.Supplier<ReadModelCatchUp> catchUp) {
        return new EventTrackerStatusChangeListener() {
            @Override
            public void onEventTrackerStatusChange(Map<Integer, EventTrackerStatus> updated) {
                catchUp.get().moved();
            }

            @Override
            public boolean validatePositions() {
                return true;
            }
        };
    }

    /** Waits until every read model has seen all committed events; false when the time-out came first. */
    public boolean await() {
        return await(ledgerHead.getAsLong());
    }

    /** Waits until every read model has processed the ledger up to {@code position}; false on time-out. */
    public boolean await(long position) {
        if (settled() >= position) {
            return true;
        }
        var waiter = new Waiter(position, new CompletableFuture<>());
        synchronized (waiters) {
            waiters.add(waiter);
            waiting = waiters.size();
        }
        moved(); // a batch finished between the look above and the registration would otherwise go unseen
        try {
            waiter.reached.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            log.warn("read models did not reach ledger position {} within {}", position, timeout);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } finally {
            synchronized (waiters) {
                waiters.remove(waiter);
                waiting = waiters.size();
            }
        }
    }

    /** Wakes the waiters whose position every read model has now passed. */
    void moved() {
        if (waiting == 0) {
            return;
        }
        long settled = settled();
        synchronized (waiters) {
            while (!waiters.isEmpty() && waiters.peek().position() <= settled) {
                waiters.poll().reached().complete(null);
            }
            waiting = waiters.size();
        }
    }

    /** The position every read model has processed up to; -1 while one is not running or failing. */
    private long settled() {
        long settled = Long.MAX_VALUE;
        for (EventProcessor processor : processing.eventProcessors().values()) {
            if (processor instanceof StreamingEventProcessor streaming) {
                var statuses = streaming.processingStatus();
                if (statuses.isEmpty()) {
                    return -1;
                }
                for (EventTrackerStatus status : statuses.values()) {
                    OptionalLong position = status.getCurrentPosition();
                    if (status.isErrorState() || position.isEmpty()) {
                        return -1;
                    }
                    settled = Math.min(settled, position.getAsLong());
                }
            }
        }
        return settled;
    }
}
