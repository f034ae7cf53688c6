package com.procledger.api;

import com.procledger.api.access.AccessRecorder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What recording every access costs REST throughput (docs/benchmarks.md), printed, never asserted: the real
 * service on an embedded PostgreSQL (fsync on; plain HTTP, so that TLS costs count for neither side), clients over HTTP reading a requisition, with access recording
 * on and off in the same run, in on/off/off/on order so that drift favours neither side.
 * Run with {@code bin/bench-access [clients] [secondsPerRound]}.
 */
public final class AccessBenchmark {

    private static final HttpClient HTTP = BenchService.HTTP;

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        try (var service = new BenchService("access")) {
            var context = service.context;
            String base = service.base;
            String tenant = service.tenant;
            String requester = service.user("req@bench.test", "REQUESTER");
            String id = service.send("POST", "/api/tenants/" + tenant + "/requisitions", requester, Map.of("title", "Laptops",
                    "department", "Engineering", "vendor", "ACME", "currency", "EUR", "lines", List.of(Map.of(
                            "description", "Laptop", "category", "IT", "quantity", "2", "unitPrice", "650.00"))))
                    .get("id").asString();
            String path = "/api/tenants/" + tenant + "/requisitions/" + id;
            AccessRecorder recorder = context.getBean(AccessRecorder.class);

            System.out.printf(Locale.ROOT, "machine: %d cores, %s %s; %d clients, GET %s, %d s per round%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                    System.getProperty("java.version"), clients, "/api/tenants/{t}/requisitions/{id}", seconds);
            // The JIT needs a long while on two cores that the clients keep busy (its compiler threads compete with
            // them): warm up both ways before anything counts, with at most 16 clients (-Dbench.warmUpClients).
            // Sixteen reach full speed in six pairs; with 64, throughput still rose through the measured rounds.
            int warmUpPairs = Integer.parseInt(System.getProperty("bench.warmUpPairs", "4"));
            int warmUpClients = Integer.parseInt(System.getProperty("bench.warmUpClients",
                    Integer.toString(Math.min(clients, 16))));
            for (int w = 0; w < warmUpPairs; w++) {
                recorder.recording(true);
                round("warm-up on ", base, path, requester, warmUpClients, seconds);
                recorder.recording(false);
                round("warm-up off", base, path, requester, warmUpClients, seconds);
            }
            List<Double> on = new ArrayList<>();
            List<Double> off = new ArrayList<>();
            // on/off/off/on, twice unless told otherwise: more blocks narrow the spread on a machine that drifts
            int blocks = Integer.parseInt(System.getProperty("bench.blocks", "2"));
            for (int r = 0; r < blocks; r++) {
                recorder.recording(true);
                on.add(round("recording on ", base, path, requester, clients, seconds));
                recorder.recording(false);
                off.add(round("recording off", base, path, requester, clients, seconds));
                off.add(round("recording off", base, path, requester, clients, seconds));
                recorder.recording(true);
                on.add(round("recording on ", base, path, requester, clients, seconds));
            }
            double meanOn = on.stream().mapToDouble(d -> d).average().orElseThrow();
            double meanOff = off.stream().mapToDouble(d -> d).average().orElseThrow();
            System.out.printf(Locale.ROOT, "mean: recording on %.0f requests/s, off %.0f requests/s: %.1f%% lower with it on%n",
                    meanOn, meanOff, 100 * (meanOff - meanOn) / meanOff);
            // each block on its own (its two rounds each way): how far the figure scatters within the run
            List<Double> lower = new ArrayList<>();
            for (int r = 0; r < blocks; r++) {
                double blockOn = (on.get(2 * r) + on.get(2 * r + 1)) / 2;
                double blockOff = (off.get(2 * r) + off.get(2 * r + 1)) / 2;
                lower.add(100 * (blockOff - blockOn) / blockOff);
            }
            List<Double> sorted = lower.stream().sorted().toList();
            double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                    : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
            System.out.printf(Locale.ROOT, "per block: %s%% lower; median %.1f%%%n", String.join(", ",
                    lower.stream().map(l -> String.format(Locale.ROOT, "%.1f", l)).toList()), median);
            var jdbc = context.getBean(org.springframework.jdbc.core.JdbcTemplate.class);
            // where the database's work goes: rows written per table over the whole run
            jdbc.query("""
                    SELECT relname, n_tup_ins, n_tup_upd, autovacuum_count, autoanalyze_count FROM pg_stat_user_tables
                    WHERE relname IN ('ledger_events', 'tokenentry', 'ledger_head', 'ledger_tenant_heads')
                    ORDER BY relname""", rs -> {
                System.out.printf(Locale.ROOT, "table %-20s inserts %,10d updates %,10d autovacuums %d autoanalyzes %d%n",
                        rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
            });
            // background work that competes with the rounds (and slows the commits' disk flushes)
            jdbc.query("SELECT num_timed, num_requested, buffers_written FROM pg_stat_checkpointer", rs -> {
                System.out.printf(Locale.ROOT, "checkpoints: %d timed, %d requested, %,d buffers written%n",
                        rs.getLong(1), rs.getLong(2), rs.getLong(3));
            });
            // what the database writes for them, the same in every run of a build (unlike the rates): WAL since it started
            jdbc.query("""
                    SELECT w.wal_bytes, w.wal_records, w.wal_fpi, count(*) FROM pg_stat_wal w, ledger_events e
                    WHERE e.event_type = 'AccessRecorded' GROUP BY 1, 2, 3""", rs -> {
                System.out.printf(Locale.ROOT, "WAL: %,d bytes, %,d records (%,d full pages) in all; per access event "
                                + "%,.0f bytes, %.1f records%n", rs.getLong(1), rs.getLong(2), rs.getLong(3),
                        rs.getDouble(1) / rs.getLong(4), rs.getDouble(2) / rs.getLong(4));
            });
            System.out.printf(Locale.ROOT, "access events in the tenant's ledger: %,d in %,d transactions%n",
                    jdbc.queryForObject("SELECT count(*) FROM ledger_events WHERE tenant_id = ?::uuid AND event_type = 'AccessRecorded'", Long.class, tenant),
                    jdbc.queryForObject("SELECT count(DISTINCT xmin::text) FROM ledger_events WHERE tenant_id = ?::uuid AND event_type = 'AccessRecorded'", Long.class, tenant));
        }
        System.exit(0); // Axon leaves a non-daemon janitor thread behind
    }

    private static double round(String label, String base, String path, String token, int clients, int seconds)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long[] cpuBefore = BenchService.cpuTicks();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> {
                var request = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofSeconds(30)).GET().build();
                while (System.nanoTime() < end) {
                    var response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                    (response.statusCode() == 200 ? done : failed).incrementAndGet();
                    if (response.statusCode() != 200 && failed.get() == 1) {
                        System.out.println("first failure: " + response.statusCode() + " " + response.body());
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : futures) {
            future.get();
        }
        pool.shutdown();
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] cpuAfter = BenchService.cpuTicks();
        double rate = done.get() / elapsed;
        // the monotonic clock's seconds at start and end, so that a system-wide profile (perf record -k
        // CLOCK_MONOTONIC) can be cut to one round: perf report --time START,END
        System.out.printf(Locale.ROOT, "%s %,8d requests in %5.1f s = %,7.0f requests/s (%d failed)%s [%.3f,%.3f]%n", label,
                done.get(), elapsed, rate, failed.get(), BenchService.cpuPer("request", cpuBefore, cpuAfter, done.get()),
                start / 1e9, (start + elapsed * 1e9) / 1e9);
        return rate;
    }
}
