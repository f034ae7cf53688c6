package com.procledger.api;

import com.procledger.projections.replay.Rebuilds;
import com.procledger.infra.ledger.LedgerEventStorageEngine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Rebuild throughput per read model (docs/benchmarks.md), printed, never asserted: the real service, N business
 * events appended straight through the ledger's storage engine over 100 tenants
 * ({@link BenchService#appendRequisitions}), the live processors left to catch up, then each requisition read model
 * rebuilt in turn (or those named, comma-separated), optionally after appending access events as well. Run with
 * {@code bin/bench rebuild [business events] [read models] [access events]}.
 */
public final class RebuildBenchmark {

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        List<String> models = args.length > 1 ? List.of(args[1].split(","))
                : List.of("requisitions", "approval-inbox", "spend-analytics", "requisition-history");
        int accessEvents = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        try (var service = new BenchService("rebuild")) {
            var engine = service.context.getBean(LedgerEventStorageEngine.class);
            List<UUID> tenants = new ArrayList<>();
            for (int t = 0; t < 100; t++) {
                tenants.add(UUID.randomUUID());
            }
            long start = System.nanoTime();
            service.appendRequisitions(tenants, events);
            service.appendAccessEvents(tenants, accessEvents);
            long head = engine.headPosition();
            System.out.printf(Locale.ROOT, "machine: %d cores, %s %s; ledger %,d events over %d tenants (appended in %.1f s)%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                    System.getProperty("java.version"), head, tenants.size(), (System.nanoTime() - start) / 1e9);
            System.out.printf(Locale.ROOT, "live processors caught up in %.1f s%n", service.awaitProcessors());
            Rebuilds rebuilds = service.context.getBean(Rebuilds.class);
            for (String name : models) {
                long[] cpu = MachineCpu.ticks();
                rebuilds.start(name);
                Rebuilds.Status status;
                do {
                    Thread.sleep(500);
                    status = rebuilds.status(name).orElseThrow();
                } while (status.status() == Rebuilds.State.RUNNING);
                double seconds = java.time.Duration.between(status.startedAt(), status.finishedAt()).toMillis() / 1000.0;
                System.out.printf(Locale.ROOT, "rebuild %-20s %s: %,d ledger events in %6.1f s = %,8.0f events/s%s%s%n", name,
                        status.status(), status.processed(), seconds, status.processed() / seconds,
                        BenchService.cpuPer("1000 events", cpu, MachineCpu.ticks(), status.processed() / 1000),
                        status.error() == null ? "" : " (" + status.error() + ")");
            }
        }
        System.exit(0); // Axon leaves a non-daemon janitor thread behind
    }
}
