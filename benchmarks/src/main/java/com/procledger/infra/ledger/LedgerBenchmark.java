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
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Prints ledger figures (not a test), against one embedded PostgreSQL in one run: append throughput with the
 * production serializer, which seals personal data with the data subjects' keys (from the real key store), against
 * the same engine with a serializer that does not; what hashing costs of an append's time; and the rate at which a
 * tenant's chain is verified from the database. Our engine appends as a command does (no transaction around it:
 * through its group-commit writer, durable on return), Axon's stock engine as Axon runs a command (in a
 * transaction, committed on return); a "transaction" below is one such unit of events. Run with {@code bin/bench ledger [writers] [eventsPerWriter]
 * [verifyEvents]}; results go in docs/benchmarks.md.
 */
public final class LedgerBenchmark {

    /** Requesters whose keys exist, as registered users' do: the sealed appends look keys up, never make them. */
    private static final List<UUID> REQUESTERS = java.util.stream.IntStream.range(0, 64)
            .mapToObj(i -> new UUID(0x5ea1, i)).toList();

    public static void main(String[] args) throws Exception {
        int writers = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int perWriter = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int verifyEvents = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        Path dir = Files.createTempDirectory("procledger-bench-");
        try (TestLedger ledger = new TestLedger(dir)) {
            System.out.printf(Locale.ROOT, "machine: %d cores, %s %s; embedded PostgreSQL, fsync and synchronous_commit on%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                    System.getProperty("java.version"));
            if (writers > 0) {
                appendBenchmark(ledger, dir, writers, perWriter);
            }
            if (verifyEvents > 0) {
                verifyBenchmark(ledger, verifyEvents);
            }
        } finally {
            // the database of a 10-million-event run takes 12 GB: never leave it behind
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static void appendBenchmark(TestLedger ledger, Path dir, int writers, int perWriter) throws Exception {
        var keyset = com.procledger.infra.secrets.SecretsKeyset.open(dir.resolve("keys"), "bench keyset passphrase", null);
        var keys = new com.procledger.infra.privacy.SubjectKeys(ledger.dataSource, keyset, java.time.Clock.systemUTC(),
                java.time.Duration.ofDays(30));
        ledger.tx.executeWithoutResult(s -> REQUESTERS.forEach(id -> keys.create(id.toString())));
        keys.rollAnonymousKeys();
        var sealing = LedgerSerializer.create(new com.procledger.infra.privacy.Sealer(keys));
        var plain = new LedgerSerializer(org.axonframework.serialization.json.JacksonSerializer.builder()
                .objectMapper(LedgerSerializer.objectMapper()));
        var sealed = engine(ledger, sealing);
        var unsealed = engine(ledger, plain);
        if (Boolean.getBoolean("bench.stockOnly")) { // -Dbench.stockOnly=true: only the stock engine contender
            stockContender(ledger, sealing, sealed, writers, perWriter);
            return;
        }
        for (int[] shape : new int[][]{{writers, perWriter, 1}, {writers, perWriter / 10, 10}}) {
            System.out.printf(Locale.ROOT, "append: %d writers x %d transactions of %d requisition events, one tenant%n",
                    shape[0], shape[1], shape[2]);
            compare(ledger, sealed, unsealed, shape, false);
        }
        System.out.printf(Locale.ROOT, "append: %d writers x %d transactions of 1 access event (address and agent sealed)%n",
                writers, perWriter);
        double sealedAccess = compare(ledger, sealed, unsealed, new int[]{writers, perWriter, 1}, true);
        stockContender(ledger, sealing, sealed, writers, perWriter);

        // hashing: its CPU time per event, against an append's wall time per event (writers sharing one chain)
        var sample = new ArrayList<LedgerRecord>();
        new LedgerReader(ledger.dataSource).inSnapshot(snapshot -> {
            ledger.jdbc.queryForList("SELECT DISTINCT tenant_id FROM ledger_events LIMIT 1", UUID.class)
                    .forEach(t -> { try { snapshot.forEach(t, 1, 20_000, sample::add); } catch (Exception e) {
                        throw new IllegalStateException(e); } });
            return null;
        });
        long h0 = System.nanoTime();
        byte[] prev = LedgerHashing.GENESIS;
        for (int round = 0; round < 5; round++) {
            for (LedgerRecord record : sample) {
                prev = LedgerHashing.hash(prev, record);
            }
        }
        double hashMicros = (System.nanoTime() - h0) / 1e3 / (5.0 * sample.size());
        System.out.printf(Locale.ROOT, "hashing: %.2f us of CPU per event; an append takes %.0f us of wall time per "
                + "event at %d writers (%.1f %%)%n", hashMicros, 1e6 / sealedAccess, writers, 100 * hashMicros * sealedAccess / 1e6);
    }

    /**
     * Axon's stock {@code JdbcEventStorageEngine} (its own tables, made by {@code createSchema} with the PostgreSQL
     * table factory) on the same database with the same serializer, against ours (hashing, gapless per-tenant
     * sequence and all), alternating: 8 writers x 1 event per transaction, 8 x 10, 1 x 100.
     */
    private static void stockContender(TestLedger ledger, LedgerSerializer serializer, LedgerEventStorageEngine ours,
                                       int writers, int perWriter) {
        var stock = org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine.builder()
                .connectionProvider(new org.axonframework.spring.jdbc.SpringDataSourceConnectionProvider(ledger.dataSource))
                .transactionManager(org.axonframework.common.transaction.NoTransactionManager.INSTANCE)
                .eventSerializer(serializer).snapshotSerializer(serializer).build();
        stock.createSchema(org.axonframework.eventsourcing.eventstore.jdbc.PostgresEventTableFactory.INSTANCE);
        for (int[] shape : new int[][]{{writers, perWriter, 1}, {writers, perWriter / 10, 10}, {1, perWriter / 10, 100}}) {
            System.out.printf(Locale.ROOT, "append against Axon's stock JdbcEventStorageEngine: %d writers x %d "
                    + "transactions of %d events, one tenant%n", shape[0], shape[1], shape[2]);
            try {
                appendRun("  warm-up ledger   ", ledger, ours, shape[0], Math.max(1, shape[1] / 2), shape[2], false);
                appendRun("  warm-up stock    ", ledger, stock, shape[0], Math.max(1, shape[1] / 2), shape[2], false);
                double[] medians = abba(
                        () -> appendRun("  ledger           ", ledger, ours, shape[0], shape[1], shape[2], false),
                        () -> appendRun("  stock            ", ledger, stock, shape[0], shape[1], shape[2], false));
                System.out.printf(Locale.ROOT, "  median: ledger %.0f events/s, stock %.0f events/s, ledger / stock %.2f%n",
                        medians[0], medians[1], medians[0] / medians[1]);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        // no global lock wanted: 64 writers of single-event transactions into one tenant, then spread over 100
        int perWriter64 = Math.max(10, perWriter / 8);
        System.out.printf(Locale.ROOT, "append: 64 writers x %d transactions of 1 event, one tenant against 100 tenants%n",
                perWriter64);
        try {
            for (var engine : List.of(Map.entry("ledger", (org.axonframework.eventsourcing.eventstore.EventStorageEngine) ours),
                    Map.entry("stock ", (org.axonframework.eventsourcing.eventstore.EventStorageEngine) stock))) {
                appendRun("  warm-up " + engine.getKey() + "   ", ledger, engine.getValue(), 64, perWriter64 / 2, 1, false, 100);
                double[] medians = abba(
                        () -> appendRun("  " + engine.getKey() + " 1 tenant   ", ledger, engine.getValue(), 64, perWriter64, 1, false, 1),
                        () -> appendRun("  " + engine.getKey() + " 100 tenants", ledger, engine.getValue(), 64, perWriter64, 1, false, 100));
                System.out.printf(Locale.ROOT, "  median %s: one tenant %.0f events/s, 100 tenants %.0f events/s (x%.2f)%n",
                        engine.getKey(), medians[0], medians[1], medians[1] / medians[0]);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writers of a run that are making their next unit (not yet handed in): what requests under way are to the
     * service's writer, which lingers for them with the service's default settings (ProcLedgerProperties.Access).
     */
    private static final java.util.concurrent.atomic.AtomicInteger COMING = new java.util.concurrent.atomic.AtomicInteger();

    private static LedgerEventStorageEngine engine(TestLedger ledger, LedgerSerializer serializer) {
        return LedgerEventStorageEngine.builder().dataSource(ledger.dataSource).eventSerializer(serializer)
                .writer(Integer.getInteger("bench.maxBatch", 500), 10_000, COMING::get, new GroupCommit.Linger(java.time.Duration.ofMillis(2), 32,
                        Runtime.getRuntime().availableProcessors()))
                .snapshotSerializer(serializer).persistenceExceptionResolver(LedgerEventStorageEngine.duplicateKeyResolver())
                .batchSize(500).build();
    }

    /** Alternating runs (ABBA, twice), medians and their ratio; returns the sealed median. */
    private static double compare(TestLedger ledger, LedgerEventStorageEngine sealed, LedgerEventStorageEngine unsealed,
                                  int[] shape, boolean access) throws Exception {
        appendRun("  warm-up sealed  ", ledger, sealed, shape[0], shape[1] / 2, shape[2], access);
        appendRun("  warm-up unsealed", ledger, unsealed, shape[0], shape[1] / 2, shape[2], access);
        double[] medians = abba(
                () -> appendRun("  sealing on      ", ledger, sealed, shape[0], shape[1], shape[2], access),
                () -> appendRun("  sealing off     ", ledger, unsealed, shape[0], shape[1], shape[2], access));
        System.out.printf(Locale.ROOT, "  median: sealing on %.0f events/s, off %.0f events/s, ratio %.2f (%.1f %% lower)%n",
                medians[0], medians[1], medians[0] / medians[1], 100 * (medians[1] - medians[0]) / medians[1]);
        return medians[0];
    }

    /** A run of one side, its rate in events/s. */
    private interface Run {
        double rate() throws Exception;
    }

    /**
     * A, B, B, A, twice: a machine warming up or slowing down favours neither side. Returns both sides' medians.
     */
    private static double[] abba(Run a, Run b) throws Exception {
        List<Double> as = new ArrayList<>();
        List<Double> bs = new ArrayList<>();
        for (int round = 1; round <= 2; round++) {
            as.add(a.rate());
            bs.add(b.rate());
            bs.add(b.rate());
            as.add(a.rate());
        }
        return new double[]{median(as), median(bs)};
    }

    private static double median(List<Double> values) {
        var sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
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

    private static double appendRun(String label, TestLedger ledger,
                                     org.axonframework.eventsourcing.eventstore.EventStorageEngine engine, int writers,
                                     int transactions, int eventsPerTransaction, boolean access) throws Exception {
        return appendRun(label, ledger, engine, writers, transactions, eventsPerTransaction, access, 1);
    }

    /** Each writer appends to one of {@code tenantCount} tenants (writer w to tenant w modulo the count). */
    private static double appendRun(String label, TestLedger ledger,
                                     org.axonframework.eventsourcing.eventstore.EventStorageEngine engine, int writers,
                                     int transactions, int eventsPerTransaction, boolean access, int tenantCount)
            throws Exception {
        List<UUID> tenants = java.util.stream.Stream.generate(UUID::randomUUID).limit(tenantCount).toList();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        long[] cpu = com.procledger.api.MachineCpu.ticks();
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            UUID tenant = tenants.get(w % tenants.size());
            futures.add(pool.submit(() -> {
                UUID aggregate = UUID.randomUUID();
                for (int i = 0; i < transactions; i++) {
                    int from = i * eventsPerTransaction;
                    COMING.incrementAndGet();
                    List<EventMessage<?>> unit = access ? accesses(tenant, from, eventsPerTransaction)
                            : events(tenant, aggregate, from, eventsPerTransaction);
                    if (engine instanceof LedgerEventStorageEngine ours) {
                        LedgerEventStorageEngine.Prepared prepared = ours.prepare(unit); // as a command's thread does
                        COMING.decrementAndGet();
                        try {
                            ours.writer().append(prepared, java.time.Duration.ofSeconds(30)).get();
                        } catch (java.util.concurrent.ExecutionException e) {
                            throw new IllegalStateException(e.getCause());
                        }
                    } else {
                        COMING.decrementAndGet();
                        ledger.tx.executeWithoutResult(s -> engine.appendEvents(unit)); // as Axon runs a command
                    }
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
        System.out.printf(Locale.ROOT, "%s %,8d events in %6.2f s = %,8.0f events/s, machine %2.0f %% idle%n", label,
                writers * transactions * eventsPerTransaction, seconds, rate,
                com.procledger.api.MachineCpu.idlePercent(cpu, com.procledger.api.MachineCpu.ticks()));
        return rate;
    }

    private static List<EventMessage<?>> accesses(UUID tenant, int from, int n) {
        List<EventMessage<?>> events = new ArrayList<>(n);
        for (int i = from; i < from + n; i++) {
            String actor = REQUESTERS.get(i % REQUESTERS.size()).toString();
            events.add(org.axonframework.eventhandling.GenericEventMessage.asEventMessage(
                    new com.procledger.domain.access.AccessEvent.AccessRecorded(tenant, actor, actor, "requisition.read",
                            "/api/tenants/" + tenant + "/requisitions/" + new UUID(9, i), null,
                            com.procledger.domain.access.AccessEvent.AccessOutcome.ALLOWED, 200, "203.0.113." + (i % 250),
                            "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0", UUID.randomUUID().toString(), "jti-" + i)));
        }
        return events;
    }

    private static List<EventMessage<?>> events(UUID tenant, UUID aggregate, int fromSeq, int n) {
        List<EventMessage<?>> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long seq = fromSeq + i;
            events.add(new GenericDomainEventMessage<>("Requisition", aggregate.toString(), seq,
                    new RequisitionRaised(aggregate, tenant, REQUESTERS.get((int) (seq % REQUESTERS.size())),
                            "Laptops for the new team " + seq,
                            "Engineering", "ACME Hardware Ltd", "EUR", "Three new hires start in January",
                            LocalDate.of(2027, 1, 15), List.of(
                            new RequisitionLine("Laptop 14 inch, 32 GB", "IT equipment", new BigDecimal("3"), new BigDecimal("1450.00")),
                            new RequisitionLine("USB-C dock", "IT equipment", new BigDecimal("3"), new BigDecimal("189.90"))),
                            new BigDecimal("4919.70"))));
        }
        return events;
    }
}
