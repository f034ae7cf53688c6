package com.procledger.infra.ledger;

import com.procledger.domain.requisition.RequisitionEvent.RequisitionRaised;
import com.procledger.domain.requisition.RequisitionLine;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;

import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Prints ledger figures (not a test): append throughput with hashing on and off against the same embedded
 * PostgreSQL in the same run, and the rate at which a tenant's chain is verified from the database.
 * Run with {@code bin/bench ledger [writers] [eventsPerWriter] [verifyEvents]}; results go in docs/benchmarks.md.
 */
public final class LedgerBenchmark {

    public static void main(String[] args) throws Exception {
        int writers = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int perWriter = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int verifyEvents = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        Path dir = Files.createTempDirectory("procledger-bench-");
        try (TestLedger hashed = new TestLedger(dir, true)) {
            run(hashed, writers, perWriter, verifyEvents);
        } finally {
            // the database of a 10-million-event run takes 12 GB: never leave it behind
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static void run(TestLedger hashed, int writers, int perWriter, int verifyEvents) throws Exception {
        {
            var plainEngine = LedgerEventStorageEngine.builder().dataSource(hashed.dataSource)
                    .eventSerializer(LedgerSerializer.create(com.procledger.infra.privacy.InMemoryKeyring.sealer())).snapshotSerializer(LedgerSerializer.create(com.procledger.infra.privacy.InMemoryKeyring.sealer()))
                    .persistenceExceptionResolver(LedgerEventStorageEngine.duplicateKeyResolver()).hashing(false).build();
            System.out.printf(Locale.ROOT, "machine: %d cores, %s %s; embedded PostgreSQL, fsync and synchronous_commit on%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                    System.getProperty("java.version"));
            if (writers > 0) {
                appendBenchmark(hashed, plainEngine, writers, perWriter);
            }
            verifyBenchmark(hashed, verifyEvents);
        }
    }

    private static void appendBenchmark(TestLedger hashed, LedgerEventStorageEngine plainEngine, int writers,
                                        int perWriter) throws Exception {
        {
            System.out.printf(Locale.ROOT, "append: %d writers x %d single-event transactions, one tenant%n", writers, perWriter);
            appendRun("warm-up on   ", hashed, hashed.engine, writers, perWriter / 2, 1);
            appendRun("warm-up off  ", hashed, plainEngine, writers, perWriter / 2, 1);
            List<Double> on = new ArrayList<>();
            List<Double> off = new ArrayList<>();
            // ABBA order, so that a machine warming up or slowing down favours neither side
            for (int round = 1; round <= 2; round++) {
                on.add(appendRun("hashing on   ", hashed, hashed.engine, writers, perWriter, 1));
                off.add(appendRun("hashing off  ", hashed, plainEngine, writers, perWriter, 1));
                off.add(appendRun("hashing off  ", hashed, plainEngine, writers, perWriter, 1));
                on.add(appendRun("hashing on   ", hashed, hashed.engine, writers, perWriter, 1));
            }
            double meanOn = on.stream().mapToDouble(d -> d).average().orElseThrow();
            double meanOff = off.stream().mapToDouble(d -> d).average().orElseThrow();
            System.out.printf(Locale.ROOT, "append mean: hashing on %.0f events/s, off %.0f events/s, cost %.1f%%%n",
                    meanOn, meanOff, 100 * (meanOff - meanOn) / meanOff);
            List<Double> batchedOnRuns = new ArrayList<>();
            List<Double> batchedOffRuns = new ArrayList<>();
            for (int round = 1; round <= 2; round++) {
                batchedOnRuns.add(appendRun("batched on   ", hashed, hashed.engine, writers, perWriter / 10, 10));
                batchedOffRuns.add(appendRun("batched off  ", hashed, plainEngine, writers, perWriter / 10, 10));
                batchedOffRuns.add(appendRun("batched off  ", hashed, plainEngine, writers, perWriter / 10, 10));
                batchedOnRuns.add(appendRun("batched on   ", hashed, hashed.engine, writers, perWriter / 10, 10));
            }
            double batchedOn = batchedOnRuns.stream().mapToDouble(d -> d).average().orElseThrow();
            double batchedOff = batchedOffRuns.stream().mapToDouble(d -> d).average().orElseThrow();
            System.out.printf(Locale.ROOT, "append mean, 10 events per transaction: on %.0f, off %.0f events/s, cost %.1f%%%n",
                    batchedOn, batchedOff, 100 * (batchedOff - batchedOn) / batchedOff);
        }
    }

    private static void verifyBenchmark(TestLedger hashed, int verifyEvents) throws Exception {
        {

            UUID tenant = UUID.randomUUID();
            long start = System.nanoTime();
            int perTransaction = 1000;
            UUID aggregate = UUID.randomUUID();
            for (int written = 0; written < verifyEvents; written += perTransaction) {
                int from = written;
                int n = Math.min(perTransaction, verifyEvents - written);
                hashed.tx.executeWithoutResult(s -> hashed.engine.appendEvents(events(tenant, aggregate, from, n)));
            }
            System.out.printf(Locale.ROOT, "filled a tenant with %,d events in %.1f s (1000 per transaction)%n",
                    verifyEvents, (System.nanoTime() - start) / 1e9);
            var sample = new ArrayList<LedgerRecord>();
            new LedgerReader(hashed.dataSource).inSnapshot(snapshot -> snapshot.forEach(tenant, 1, 20_000, sample::add));
            for (int round = 1; round <= 3; round++) {
                long h0 = System.nanoTime();
                var verifier = new ChainVerifier(List.of(), LedgerSigner.generate().publicKey());
                sample.forEach(verifier::accept);
                boolean valid = verifier.finish(0).valid();
                System.out.printf(Locale.ROOT, "chain check in memory (no database), round %d: %,d events, valid=%s, %,.0f events/s%n",
                        round, sample.size(), valid, sample.size() / ((System.nanoTime() - h0) / 1e9));
            }
            sample.clear();
            long t = System.nanoTime();
            long read = new LedgerReader(hashed.dataSource).inSnapshot(snapshot -> snapshot.forEachLink(tenant, 1, Long.MAX_VALUE, r -> { }));
            System.out.printf(Locale.ROOT, "read only (no hashing): %,d events, %,.0f events/s%n", read,
                    read / ((System.nanoTime() - t) / 1e9));
            for (int round = 1; round <= 3; round++) {
                System.gc();
                var memory = ManagementFactory.getMemoryMXBean();
                long heapBefore = memory.getHeapMemoryUsage().getUsed();
                long t0 = System.nanoTime();
                var report = new LedgerReader(hashed.dataSource).inSnapshot(snapshot -> PipelinedVerification.run(
                        snapshot, tenant, new ChainVerifier(List.of(), LedgerSigner.generate().publicKey())));
                double seconds = (System.nanoTime() - t0) / 1e9;
                System.out.printf(Locale.ROOT, "verify round %d: %,d events, valid=%s, %.1f s, %,.0f events/s, heap %d MiB before, %d MiB after%n",
                        round, report.events(), report.valid(), seconds, report.events() / seconds,
                        heapBefore >> 20, memory.getHeapMemoryUsage().getUsed() >> 20);
            }
        }
    }

    private static double appendRun(String label, TestLedger ledger, LedgerEventStorageEngine engine, int writers,
                                     int transactions, int eventsPerTransaction) throws Exception {
        UUID tenant = UUID.randomUUID();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            futures.add(pool.submit(() -> {
                UUID aggregate = UUID.randomUUID();
                for (int i = 0; i < transactions; i++) {
                    int from = i * eventsPerTransaction;
                    ledger.tx.executeWithoutResult(s -> engine.appendEvents(events(tenant, aggregate, from, eventsPerTransaction)));
                }
                return null;
            }));
        }
        for (Future<?> future : futures) {
            future.get();
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = (double) writers * transactions * eventsPerTransaction / seconds;
        System.out.printf(Locale.ROOT, "%s %,8d events in %6.2f s = %,8.0f events/s%n", label,
                writers * transactions * eventsPerTransaction, seconds, rate);
        return rate;
    }

    private static List<EventMessage<?>> events(UUID tenant, UUID aggregate, int fromSeq, int n) {
        List<EventMessage<?>> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long seq = fromSeq + i;
            events.add(new GenericDomainEventMessage<>("Requisition", aggregate.toString(), seq,
                    new RequisitionRaised(aggregate, tenant, UUID.randomUUID(), "Laptops for the new team " + seq,
                            "Engineering", "ACME Hardware Ltd", "EUR", "Three new hires start in January",
                            LocalDate.of(2027, 1, 15), List.of(
                            new RequisitionLine("Laptop 14 inch, 32 GB", "IT equipment", new BigDecimal("3"), new BigDecimal("1450.00")),
                            new RequisitionLine("USB-C dock", "IT equipment", new BigDecimal("3"), new BigDecimal("189.90"))),
                            new BigDecimal("4919.70"))));
        }
        return events;
    }
}
