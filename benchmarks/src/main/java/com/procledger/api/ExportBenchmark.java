package com.procledger.api;

import org.springframework.jdbc.core.JdbcTemplate;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

/**
 * Export throughput and memory (docs/benchmarks.md), printed, never asserted: the real service, a tenant with N
 * requisitions and N spend lines in its read models, and the CSV and NDJSON exports of both read over HTTP to the
 * end, counting rows. The heap peak is what the whole JVM (service and client) used at most while exporting. Run
 * with {@code bin/bench export [rows]}; set a small heap with {@code BENCH_HEAP} to see that memory stays flat.
 * <p>
 * The rows are written straight into {@code requisition_view} and {@code spend_line} (what the exports read), not
 * raised through the API: this measures the exports, and raising a million requisitions through commands would
 * take an hour here.
 */
public final class ExportBenchmark {

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        try (var service = new BenchService("export")) {
            String finance = service.user("finance@bench.test", "FINANCE");
            var jdbc = service.context.getBean(JdbcTemplate.class);
            long seeding = System.nanoTime();
            jdbc.update("""
                    INSERT INTO requisition_view (requisition_id, tenant_id, status, title, department, vendor, currency,
                        total, justification, lines, requester_id, created_at, updated_at, version, last_ledger_seq)
                    SELECT gen_random_uuid(), ?::uuid, (ARRAY['DRAFT','SUBMITTED','APPROVED','REJECTED'])[1 + i % 4],
                        'Requisition ' || i || ', with "quotes"', 'Department ' || (i % 20), 'Vendor ' || (i % 500), 'EUR',
                        (i % 10000) + 0.99, CASE WHEN i % 3 = 0 THEN 'line one' || chr(10) || 'line two' END,
                        '[{"description":"Item","category":"IT","quantity":"1","unitPrice":"1.00","total":"1.00"}]'::jsonb,
                        gen_random_uuid(), now() - (i || ' seconds')::interval, now(), 1, i
                    FROM generate_series(1, ?) AS i""", service.tenant, rows);
            jdbc.update("""
                    INSERT INTO spend_line (tenant_id, requisition_id, line_no, department, vendor, category, currency,
                        amount, status, raised_at, submitted_at, decided_at)
                    SELECT ?::uuid, gen_random_uuid(), 0, 'Department ' || (i % 20), 'Vendor ' || (i % 500) || ', Ltd',
                        'Category ' || (i % 7), 'EUR', (i % 10000) + 0.99,
                        CASE WHEN i % 2 = 0 THEN 'APPROVED' ELSE 'SUBMITTED' END, now() - (i || ' seconds')::interval,
                        now() - (i || ' seconds')::interval, CASE WHEN i % 2 = 0 THEN now() END
                    FROM generate_series(1, ?) AS i""", service.tenant, rows);
            System.out.printf(Locale.ROOT, "machine: %d cores, %s %s, heap max %d MiB; %,d requisitions and spend lines written in %.1f s%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                    System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20, rows,
                    (System.nanoTime() - seeding) / 1e9);
            for (int round = 1; round <= 2; round++) {
                for (String export : new String[] {"requisitions.csv", "requisitions.ndjson", "spend.csv", "spend.ndjson"}) {
                    export(service, finance, export, round);
                }
            }
        }
        System.exit(0); // Axon leaves a non-daemon janitor thread behind
    }

    private static void export(BenchService service, String token, String export, int round) throws Exception {
        String format = export.substring(export.indexOf('.') + 1);
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        long start = System.nanoTime();
        var request = HttpRequest.newBuilder(URI.create(service.base + "/api/tenants/" + service.tenant
                        + "/exports/" + export)).timeout(Duration.ofMinutes(30))
                .header("Authorization", "Bearer " + token).GET().build();
        HttpResponse<InputStream> response = BenchService.HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(export + " answered " + response.statusCode());
        }
        boolean csv = format.equals("csv");
        long[] read = BenchService.readRecords(response.body(), csv);
        long bytes = read[0];
        long records = read[1];
        long rows = csv ? records - 1 : records;
        double seconds = (System.nanoTime() - start) / 1e9;
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf(Locale.ROOT, "round %d %-19s %,10d rows, %,13d bytes in %6.1f s = %,9.0f rows/s, %6.1f MB/s; heap peak %,d MiB%n",
                round, export, rows, bytes, seconds, rows / seconds, bytes / seconds / 1e6, peak >> 20);
    }
}
