package com.procledger.infra.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Verifies a tenant's chain as fast as the machine allows, in bounded memory. A long ledger is cut into as many
 * ranges of {@code ledger_seq} as there are cores; each range is read on its own connection, all in the same
 * snapshot ({@link LedgerReader.Snapshot#shared}), because the database sending rows is the slowest part. Within a
 * range, one thread reads and another hashes, handing over batches through a small bounded queue. The ranges are
 * stitched together by {@link ChainVerifier#finish}. Memory: a few batches of 1000 events per range.
 */
public final class PipelinedVerification {

    private static final int BATCH = 1000;
    /** Below this many events one range is quick enough, and a second connection is not worth taking. */
    private static final long PARALLEL_FROM = 50_000;
    private static final List<ChainLink> END = List.of();

    private PipelinedVerification() {
    }

    public static ChainVerifier.Report run(LedgerReader.Snapshot snapshot, UUID tenantId, ChainVerifier verifier)
            throws Exception {
        long head = snapshot.headSeq(tenantId);
        int ranges = head < PARALLEL_FROM ? 1 : Math.min(4, Runtime.getRuntime().availableProcessors());
        return run(snapshot, tenantId, verifier, ranges);
    }

    /** Verifies in {@code ranges} ranges of about equal length (the last one open-ended). */
    public static ChainVerifier.Report run(LedgerReader.Snapshot snapshot, UUID tenantId, ChainVerifier verifier,
                                           int ranges) throws Exception {
        long head = snapshot.headSeq(tenantId);
        long length = Math.max(1, head / Math.max(1, ranges));
        var stop = new AtomicBoolean();
        List<CompletableFuture<Void>> others = new ArrayList<>();
        try {
            for (int i = 1; i < ranges; i++) {
                long from = 1 + i * length;
                long to = i == ranges - 1 ? Long.MAX_VALUE : from + length - 1;
                var segment = verifier.segment(from);
                others.add(CompletableFuture.runAsync(() -> {
                    try {
                        snapshot.shared(shared -> pipeline(shared, tenantId, from, to, segment, stop));
                    } catch (Exception e) {
                        throw new IllegalStateException("verifying ledger_seq " + from + " on failed", e);
                    }
                }, task -> Thread.ofPlatform().name("ledger-read-" + from).daemon().start(task)));
            }
            pipeline(snapshot, tenantId, 1, ranges == 1 ? Long.MAX_VALUE : length, verifier.segment(1), stop);
            for (var other : others) {
                other.get();
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof IllegalStateException wrapper && wrapper.getCause() != null
                    ? wrapper.getCause() : e.getCause();
            throw cause instanceof Exception exception ? exception : e;
        } finally {
            stop.set(true);
            for (var other : others) {
                try {
                    other.join(); // no range goes on reading after we answered
                } catch (RuntimeException ignored) {
                    // already reported above, or the reason we are leaving
                }
            }
        }
        return verifier.finish(head);
    }

    private static Void pipeline(LedgerReader.Snapshot snapshot, UUID tenantId, long from, long to,
                                 ChainVerifier.Segment segment, AtomicBoolean stop) throws Exception {
        BlockingQueue<List<ChainLink>> queue = new ArrayBlockingQueue<>(8);
        CompletableFuture<Void> checking = CompletableFuture.runAsync(() -> {
            try {
                for (List<ChainLink> batch = queue.take(); batch != END; batch = queue.take()) {
                    batch.forEach(segment::accept);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("verification interrupted", e);
            }
        }, task -> Thread.ofPlatform().name("ledger-verify-" + from).daemon().start(task));
        try {
            List<ChainLink>[] batch = new List[]{new ArrayList<>(BATCH)};
            snapshot.forEachLink(tenantId, from, to, link -> {
                batch[0].add(link);
                if (batch[0].size() == BATCH) {
                    if (stop.get()) {
                        throw new IllegalStateException("verification stopped: another range failed");
                    }
                    put(queue, batch[0], checking);
                    batch[0] = new ArrayList<>(BATCH);
                }
            });
            put(queue, batch[0], checking);
            put(queue, END, checking);
            checking.get();
        } catch (ExecutionException e) {
            stop.set(true);
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (Exception e) {
            stop.set(true);
            throw e;
        } finally {
            queue.clear();
            queue.offer(END); // a checker still waiting for batches ends, whatever happened to the reading
        }
        return null;
    }

    private static void put(BlockingQueue<List<ChainLink>> queue, List<ChainLink> batch,
                            CompletableFuture<Void> checking) throws InterruptedException, ExecutionException {
        while (!queue.offer(batch, 100, TimeUnit.MILLISECONDS)) {
            if (checking.isDone()) {
                checking.get();
                throw new IllegalStateException("the verifier stopped early");
            }
        }
    }
}
