package com.procledger.infra.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Reads a tenant's ledger on the calling thread and checks the chain on another, handing over batches through a
 * small bounded queue: the database read and the hashing overlap, and memory stays bounded (a few batches).
 */
public final class PipelinedVerification {

    private static final int BATCH = 1000;
    private static final List<LedgerRecord> END = List.of();

    private PipelinedVerification() {
    }

    public static ChainVerifier.Report run(LedgerReader.Snapshot snapshot, UUID tenantId, ChainVerifier verifier)
            throws Exception {
        BlockingQueue<List<LedgerRecord>> queue = new ArrayBlockingQueue<>(8);
        CompletableFuture<Void> checking = CompletableFuture.runAsync(() -> {
            try {
                for (List<LedgerRecord> batch = queue.take(); batch != END; batch = queue.take()) {
                    batch.forEach(verifier::accept);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("verification interrupted", e);
            }
        }, task -> Thread.ofPlatform().name("ledger-verify").daemon().start(task));
        try {
            List<LedgerRecord>[] batch = new List[]{new ArrayList<>(BATCH)};
            snapshot.forEach(tenantId, 1, Long.MAX_VALUE, record -> {
                batch[0].add(record);
                if (batch[0].size() == BATCH) {
                    put(queue, batch[0], checking);
                    batch[0] = new ArrayList<>(BATCH);
                }
            });
            put(queue, batch[0], checking);
            put(queue, END, checking);
            checking.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } finally {
            checking.cancel(true);
        }
        return verifier.finish(snapshot.headSeq(tenantId));
    }

    private static void put(BlockingQueue<List<LedgerRecord>> queue, List<LedgerRecord> batch,
                            CompletableFuture<Void> checking) throws InterruptedException, ExecutionException {
        while (!queue.offer(batch, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            if (checking.isDone()) {
                checking.get();
                throw new IllegalStateException("the verifier stopped early");
            }
        }
    }
}
