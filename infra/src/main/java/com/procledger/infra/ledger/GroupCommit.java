package com.procledger.infra.ledger;

import org.axonframework.eventhandling.EventMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

/**
 * Appends events that many threads hand in, several to one transaction (group commit): while one batch commits,
 * the next one gathers, so the ledger lock and the disk flush are paid once per batch instead of once per event.
 * A caller's future completes only after its event's transaction committed (durable, with PostgreSQL's default
 * {@code synchronous_commit}). A batch is one statement in one round trip where the engine knows the ledger's head
 * ({@link LedgerEventStorageEngine#appendCommitted}), else an ordinary append in a transaction. When a batch
 * fails, its events are retried one by one, so that one bad event cannot take others down with it.
 * <p>
 * With a {@code linger}, the writer waits up to that long for more events before it commits, but only while the
 * batch is smaller than {@code lingerBelow} and the caller's {@code coming} says more are on their way (like PostgreSQL's {@code commit_delay} with
 * {@code commit_siblings}): a lone request is committed at once, while under load a batch gathers more events and
 * the work paid per transaction (the head updates, the commit) is shared by more of them. A lingering writer
 * sleeps until the batch could be full, nothing more is coming, or the linger is over, and is not woken for each
 * event in between: on a busy machine each wake is a context switch, and those cost more than the work.
 */
public final class GroupCommit implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

    private record Pending(EventMessage<?> event, CompletableFuture<Void> committed) {
    }

    private final LedgerEventStorageEngine engine;
    private final TransactionTemplate transactions;
    private final int maxBatch;
    private final BlockingQueue<Pending> queue;
    private final Thread writer;
    private final IntSupplier coming;
    private final long lingerNanos;
    private final int lingerBelow;
    /** While the writer lingers: how many queued events would fill its batch; else {@link Integer#MAX_VALUE}. */
    private volatile int wakeAt = Integer.MAX_VALUE;
    private volatile boolean closed;

    public GroupCommit(LedgerEventStorageEngine engine, TransactionTemplate transactions, int maxBatch, int capacity) {
        this(engine, transactions, maxBatch, capacity, () -> 0, Duration.ZERO, 0);
    }

    /**
     * @param coming how many more events are on their way right now (requests under way that have not handed
     *               theirs in yet); the writer lingers only while this is above zero
     * @param linger how long a batch may wait for them, at most...
     * @param lingerBelow ...and only while it has fewer events than this (a batch that big shares the cost of
     *                    its transaction well enough; under heavy load batches are that big without waiting)
     */
    public GroupCommit(LedgerEventStorageEngine engine, TransactionTemplate transactions, int maxBatch, int capacity,
                       IntSupplier coming, Duration linger, int lingerBelow) {
        this.coming = coming;
        this.lingerNanos = linger.toNanos();
        this.lingerBelow = Math.min(lingerBelow, maxBatch);
        this.engine = engine;
        this.transactions = transactions;
        this.maxBatch = maxBatch;
        this.queue = new LinkedBlockingQueue<>(capacity);
        this.writer = Thread.ofPlatform().name("ledger-group-commit").daemon().start(this::run);
    }

    /** Hands in an event; the future completes when it is committed, or fails when it could not be. */
    public CompletableFuture<Void> append(EventMessage<?> event, Duration waitForRoom) {
        var pending = new Pending(event, new CompletableFuture<>());
        try {
            if (closed || !queue.offer(pending, waitForRoom.toNanos(), TimeUnit.NANOSECONDS)) {
                pending.committed.completeExceptionally(new IllegalStateException(
                        closed ? "the ledger writer is closed" : "the ledger writer is overloaded"));
            } else {
                int wake = wakeAt;
                if (wake != Integer.MAX_VALUE && (queue.size() >= wake || coming.getAsInt() == 0)) {
                    LockSupport.unpark(writer); // the lingering batch is full now, or nothing else is on its way
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
            left.committed.completeExceptionally(new IllegalStateException("the ledger writer is closed"));
        }
    }

    private void linger(List<Pending> batch) {
        long deadline = System.nanoTime() + lingerNanos;
        while (lingerNanos > 0 && batch.size() < lingerBelow && coming.getAsInt() > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            int missing = lingerBelow - batch.size();
            wakeAt = missing;
            // published before looking: an event handed in from now on sees wakeAt, one before is seen here
            if (queue.size() < missing && coming.getAsInt() > 0) {
                LockSupport.parkNanos(this, left);
            }
            wakeAt = Integer.MAX_VALUE;
            queue.drainTo(batch, maxBatch - batch.size());
        }
    }

    private void commit(List<Pending> batch) {
        try {
            List<EventMessage<?>> events = batch.stream().<EventMessage<?>>map(Pending::event).toList();
            if (!engine.appendCommitted(events)) {
                transactions.executeWithoutResult(status -> engine.appendEvents(events));
            }
            batch.forEach(pending -> pending.committed.complete(null));
        } catch (RuntimeException batchFailure) {
            if (batch.size() == 1) {
                batch.getFirst().committed.completeExceptionally(batchFailure);
                return;
            }
            for (Pending pending : batch) {
                try {
                    transactions.executeWithoutResult(status -> engine.appendEvents(List.of(pending.event)));
                    pending.committed.complete(null);
                } catch (RuntimeException e) {
                    pending.committed.completeExceptionally(e);
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            writer.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
