package com.procledger.infra.ledger;

import org.axonframework.eventhandling.EventMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

/**
 * Appends the units of events that many threads hand in (a command's events, an access event), several to one
 * commit (group commit): while one batch commits, the next one gathers, so the ledger's head lock, the round trip
 * and the disk flush are paid once per batch instead of once per command. Callers serialize (and seal) their own
 * events before handing them in; this one thread only numbers, chains and writes them. A caller's future completes
 * only after its unit is committed and durable (with PostgreSQL's default {@code synchronous_commit}), with the
 * position of its last event. A busy batch ({@link #OVERLAP_FROM}) commits without waiting for the disk flush, so
 * that the head is free for the next batch at once; a second thread, the publisher, then moves the published
 * position past it in a transaction that waits for the flush, and only that acknowledges it (ADR 0028). A batch is
 * one statement in one round trip where the engine knows the ledger's head
 * ({@link LedgerEventStorageEngine#appendCommitted}); else one transaction that leaves out, whole, each unit whose
 * aggregate sequence a concurrent command took first ({@link LedgerEventStorageEngine#appendUnits}): only that
 * command fails. When that fails too, the units are retried one by one, so that one bad unit cannot take others
 * down with it. The head lock is only ever taken by this thread's statement, for one round trip (and, for a batch
 * that waits for its own flush, that flush), while the next batch gathers.
 * <p>
 * With a {@link Linger}, the writer waits a little for more events before it commits, but only while enough
 * requests are under way that have not handed theirs in yet ({@code coming}) to keep the machine's cores busy
 * meanwhile, and only until the batch is big enough (like PostgreSQL's {@code commit_delay} with
 * {@code commit_siblings}): a lone request is committed at once, while under load a batch gathers more events and
 * the work paid per transaction (the round trip, the head updates, the commit and its disk flush) is shared by more
 * of them. Where nothing else is running, waiting would only leave the cores idle. A lingering writer sleeps until
 * the batch could be full, too little is coming, or the linger is over, and is not woken for each event in
 * between: on a busy machine each wake is a context switch, and those cost more than the work.
 */
public final class GroupCommit implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

    /** A unit handed in (one command's events, or one access event) and what its caller waits on. */
    private record Pending(LedgerEventStorageEngine.Prepared unit, CompletableFuture<Long> committed) {
    }

    /**
     * A batch the writer committed without waiting for the flush: the position before its first event, the one
     * after its last.
     */
    private record Committed(List<Pending> batch, long before, long after, long start) {
    }

    /**
     * How long a batch may wait for more events: at most {@code upTo}, only while it has fewer than {@code below}
     * events, and only while at least {@code whileComing} more are on their way.
     *
     * @param upTo        the longest a batch waits for more events
     * @param below       a batch this big shares the cost of its transaction well enough: it waits no more
     * @param whileComing the fewest requests under way (not yet handed in) for which waiting is worth it: with
     *                    fewer, the cores would stand idle while the batch waits, so it is committed at once
     */
    public record Linger(Duration upTo, int below, int whileComing) {

        /** Commit whatever is queued, at once. */
        public static final Linger NONE = new Linger(Duration.ZERO, 0, 1);

        public Linger {
            if (upTo.isNegative() || below < 0 || whileComing < 1) {
                throw new IllegalArgumentException("a linger needs upTo >= 0, below >= 0 and whileComing >= 1");
            }
        }
    }

    /**
     * From this many units in a batch (or with more already waiting) a batch commits without waiting for its flush,
     * which the publisher then does while the writer writes the next batch: with many callers, they split into
     * cohorts whose statements and flushes overlap. With fewer, there is little to overlap, and the publisher's extra
     * round trip would only lengthen each caller's wait: such a batch waits for its own flush and publishes itself.
     */
    static final int OVERLAP_FROM = Integer.getInteger("procledger.ledger.overlap-from", 16);

    private final LedgerEventStorageEngine engine;
    private final TransactionTemplate transactions;
    private final int maxBatch;
    private final BlockingQueue<Pending> queue;
    private final Thread writer;
    /** Batches committed (not yet flushed) in the order the writer committed them, for the publisher. */
    private final BlockingQueue<Committed> flushing = new LinkedBlockingQueue<>();
    private final Thread publisher;
    private final IntSupplier coming;
    private volatile Linger linger;
    /** While the writer lingers: how many queued events would fill its batch; else {@link Integer#MAX_VALUE}. */
    private volatile int wakeAt = Integer.MAX_VALUE;
    private volatile boolean closed;

    public GroupCommit(LedgerEventStorageEngine engine, TransactionTemplate transactions, int maxBatch, int capacity) {
        this(engine, transactions, maxBatch, capacity, () -> 0, Linger.NONE);
    }

    /**
     * @param coming how many more events are on their way right now (requests under way that have not handed
     *               theirs in yet)
     * @param linger how long a batch may wait for them
     */
    public GroupCommit(LedgerEventStorageEngine engine, TransactionTemplate transactions, int maxBatch, int capacity,
                       IntSupplier coming, Linger linger) {
        this.coming = coming;
        this.linger = Objects.requireNonNull(linger);
        this.engine = engine;
        this.transactions = transactions;
        this.maxBatch = maxBatch;
        this.queue = new LinkedBlockingQueue<>(capacity);
        this.writer = Thread.ofPlatform().name("ledger-group-commit").daemon().start(this::run);
        this.publisher = Thread.ofPlatform().name("ledger-publisher").daemon().start(this::publish);
    }

    /** Told of every batch the writer committed: for metrics. */
    public interface Observer {
        /**
         * @param units  units (commands, access events) committed together
         * @param events their events
         * @param nanos  how long the commit took, from the first statement to its acknowledgement
         */
        void committed(int units, int events, long nanos);
    }

    private volatile Observer observer = (units, events, nanos) -> { };

    /** Who is told of each commit (one observer; the last one set). */
    public void observe(Observer observer) {
        this.observer = Objects.requireNonNull(observer);
    }

    /**
     * Changes the linger from the next batch on. Package-private: only the ledger's own code (and the benchmark that
     * compares lingers in one run, from this package) changes it; the service takes it from its settings.
     */
    void linger(Linger linger) {
        this.linger = Objects.requireNonNull(linger);
    }

    /**
     * Hands in an event, serialized here (on the caller's thread); the future completes with its global position
     * when it is committed, or fails when it could not be.
     */
    public CompletableFuture<Long> append(EventMessage<?> event, Duration waitForRoom) {
        return append(engine.prepare(List.of(event)), waitForRoom);
    }

    /**
     * Hands in a unit of events, committed together or not at all; the future completes with the global position
     * of its last event once it is committed, fails with {@link Unavailable} when the writer could not take it,
     * and with the engine's own failure when it could not be committed (a unit whose aggregate a concurrent command
     * wrote first fails alone; its batch neighbours commit).
     */
    CompletableFuture<Long> append(LedgerEventStorageEngine.Prepared unit, Duration waitForRoom) {
        var pending = new Pending(unit, new CompletableFuture<>());
        try {
            if (closed || !queue.offer(pending, waitForRoom.toNanos(), TimeUnit.NANOSECONDS)) {
                pending.committed.completeExceptionally(new Unavailable(
                        closed ? "the ledger writer is closed" : "the ledger writer is overloaded"));
            } else {
                int wake = wakeAt;
                if (wake != Integer.MAX_VALUE && (queue.size() >= wake || coming.getAsInt() < linger.whileComing())) {
                    LockSupport.unpark(writer); // the lingering batch is full now, or too little is on its way
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.committed.completeExceptionally(e);
        }
        return pending.committed;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                linger(batch);
                commit(batch);
            } catch (InterruptedException e) {
                if (closed) {
                    break;
                }
            } catch (RuntimeException e) {
                // commit() completes every future itself; never let the writer thread die
                log.error("ledger group commit failed", e);
            } finally {
                batch.clear();
            }
        }
        for (Pending left = queue.poll(); left != null; left = queue.poll()) {
            left.committed.completeExceptionally(new Unavailable("the ledger writer is closed"));
        }
    }

    private void linger(List<Pending> batch) {
        Linger linger = this.linger;
        long lingerNanos = linger.upTo().toNanos();
        int lingerBelow = Math.min(linger.below(), maxBatch);
        int lingerWhileComing = linger.whileComing();
        long deadline = System.nanoTime() + lingerNanos;
        while (lingerNanos > 0 && batch.size() < lingerBelow && coming.getAsInt() >= lingerWhileComing) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            int missing = lingerBelow - batch.size();
            wakeAt = missing;
            // published before looking: an event handed in from now on sees wakeAt, one before is seen here
            if (queue.size() < missing && coming.getAsInt() >= lingerWhileComing) {
                LockSupport.parkNanos(this, left);
            }
            wakeAt = Integer.MAX_VALUE;
            queue.drainTo(batch, maxBatch - batch.size());
        }
    }

    /**
     * One statement where the engine knows the head; else one transaction that leaves stale units out; if that
     * fails too (a fault, not a lost race), each unit alone, so that one bad unit cannot take the others down.
     */
    private void commit(List<Pending> batch) {
        List<LedgerEventStorageEngine.Prepared> units = batch.stream().map(Pending::unit).toList();
        long start = System.nanoTime();
        try {
            boolean durable = batch.size() < OVERLAP_FROM && queue.isEmpty();
            long before = engine.appendCommitted(units, durable);
            if (before >= 0) {
                long after = before;
                for (Pending pending : batch) {
                    after += pending.unit.size();
                }
                if (!durable) {
                    flushing.add(new Committed(List.copyOf(batch), before, after, start)); // acknowledged once published
                    return;
                }
                acknowledge(batch, before);
                observed(batch, start);
                return;
            }
            complete(batch, transactions.execute(status -> engine.appendUnits(units)));
            observed(batch, start);
        } catch (RuntimeException batchFailure) {
            if (batch.size() == 1) {
                batch.getFirst().committed.completeExceptionally(batchFailure);
                return;
            }
            for (Pending pending : batch) {
                try {
                    complete(List.of(pending), transactions.execute(status -> engine.appendUnits(List.of(pending.unit))));
                } catch (RuntimeException e) {
                    pending.committed.completeExceptionally(e);
                }
            }
        }
    }

    /**
     * The publisher's loop: moves the published position past every batch committed so far, in a transaction of its
     * own that waits for the disk flush ({@link LedgerEventStorageEngine#publish}): that flush makes the batches
     * durable, and only then are they acknowledged, and shown to readers by position. While it flushes, the writer
     * commits the next batches, which the next publication covers together. When a publication fails, its batches'
     * callers are told their events may or may not be in the ledger, and it is tried again until it succeeds.
     */
    private void publish() {
        List<Committed> waiting = new ArrayList<>();
        boolean unpublished = false; // a publication failed: the head is published again until it succeeds
        try {
            engine.publishHead(); // what an earlier run committed but stopped before publishing
        } catch (RuntimeException e) {
            log.warn("could not publish the ledger's head at start; it is published with the next append", e);
        }
        while (true) {
            try {
                if (waiting.isEmpty()) {
                    Committed first = flushing.poll(unpublished ? 50 : 100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        if (unpublished) {
                            try {
                                // the head, not the failed target: after a database crash the batches behind that
                                // target may be gone, and the head shows what is committed
                                engine.publishHead();
                                unpublished = false;
                            } catch (RuntimeException e) {
                                log.debug("publishing the ledger failed again", e);
                                Thread.sleep(200);
                            }
                        } else if (closed && !writer.isAlive() && flushing.isEmpty()) {
                            return;
                        }
                        continue;
                    }
                    waiting.add(first);
                }
                flushing.drainTo(waiting);
                long target = waiting.getLast().after(); // the writer commits in position order
                try {
                    engine.publish(target);
                } catch (RuntimeException e) {
                    unpublished = true;
                    log.warn("could not publish the ledger up to position {}; trying again", target, e);
                    var unconfirmed = new Unconfirmed(e);
                    waiting.forEach(c -> c.batch().forEach(p -> p.committed.completeExceptionally(unconfirmed)));
                    waiting.clear();
                    Thread.sleep(50);
                    continue;
                }
                unpublished = false;
                for (Committed c : waiting) {
                    acknowledge(c.batch(), c.before());
                    observed(c.batch(), c.start());
                }
                waiting.clear();
            } catch (InterruptedException e) {
                if (closed && !writer.isAlive() && flushing.isEmpty() && waiting.isEmpty()) {
                    return;
                }
            } catch (RuntimeException e) {
                log.warn("the ledger's publisher failed; trying again", e);
            }
        }
    }

    /** Completes each unit of a batch appended after {@code before} with the position of its last event. */
    private static void acknowledge(List<Pending> batch, long before) {
        long position = before;
        for (Pending pending : batch) {
            position += pending.unit.size();
            pending.committed.complete(position);
        }
    }

    private void observed(List<Pending> batch, long start) {
        try {
            int events = 0;
            for (Pending pending : batch) {
                events += pending.committed.isCompletedExceptionally() ? 0 : pending.unit.size();
            }
            observer.committed(batch.size(), events, System.nanoTime() - start);
        } catch (RuntimeException e) {
            log.debug("a commit observer failed", e);
        }
    }

    private static void complete(List<Pending> batch, long[] positions) {
        for (int i = 0; i < batch.size(); i++) {
            if (positions[i] < 0) {
                batch.get(i).committed.completeExceptionally(new LedgerEventStorageEngine.StaleAggregate());
            } else {
                batch.get(i).committed.complete(positions[i]);
            }
        }
    }

    /**
     * The unit was committed, but its publication (the transaction that waits for the disk flush) failed, so whether
     * it is durable is not known: after a database crash it may be absent, else it is in the ledger.
     */
    public static final class Unconfirmed extends RuntimeException {
        Unconfirmed(Throwable cause) {
            super("the events were committed but their flush to disk could not be confirmed; they may be in the ledger",
                    cause);
        }
    }

    /** The writer cannot take more now (its queue stayed full) or is closed: nothing of the unit was written. */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            writer.join(Duration.ofSeconds(10));
            publisher.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
