package com.procledger.api;

import com.procledger.api.access.SwitchableAccessRecorder;
import com.procledger.infra.ledger.GroupCommit;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.DoubleSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * What recording every access costs REST throughput (docs/benchmarks.md), printed, never asserted: the real
 * service on an embedded PostgreSQL (fsync on; plain HTTP, so that TLS costs count for neither side), clients over HTTP reading a requisition, with access recording
 * on and off in the same run, in on/off/off/on order so that drift favours neither side. With several numbers of
 * clients, each block runs that order at each of them, and each mode's best rate (its throughput) is compared too.
 * Run with {@code bin/bench access [clients[,clients...]] [secondsPerRound]}.
 */
public final class AccessBenchmark {

    private static final HttpClient HTTP = BenchService.HTTP;

    public static void main(String[] args) throws Exception {
        // one number of clients, or several (16,32,64): then each mode's peak rate, its throughput, is compared too
        int[] clientCounts = Arrays.stream((args.length > 0 ? args[0] : "16").split(",")).mapToInt(Integer::parseInt)
                .toArray();
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
            String t = "/api/tenants/" + tenant;
            // By default the cheapest request there is, where recording's fixed cost weighs most. With
            // -Dbench.mix=true, what an approver's screens read instead, in turn: the list, a requisition, its
            // history, the inbox (20 requisitions, half of them submitted and waiting for approval).
            boolean mix = Boolean.getBoolean("bench.mix");
            List<String> paths = new ArrayList<>();
            String reader = requester;
            if (mix) {
                reader = service.user("approver@bench.test", "REQUESTER", "APPROVER");
                for (int i = 0; i < 20; i++) {
                    String raised = i == 0 ? id : service.send("POST", t + "/requisitions", requester, Map.of(
                            "title", "Laptops " + i, "department", i % 2 == 0 ? "Engineering" : "Sales", "vendor", "ACME",
                            "currency", "EUR", "lines", List.of(Map.of("description", "Laptop", "category", "IT",
                                    "quantity", Integer.toString(1 + i), "unitPrice", "650.00")))).get("id").asString();
                    if (i % 2 == 0) {
                        service.send("POST", t + "/requisitions/" + raised + "/submit", requester, Map.of());
                    }
                    paths.addAll(List.of(t + "/requisitions?size=20", t + "/requisitions/" + raised,
                            t + "/requisitions/" + raised + "/history", t + "/approvals/inbox"));
                }
            } else {
                paths.add(t + "/requisitions/" + id);
            }
            var recorder = (SwitchableAccessRecorder) context.getBean(com.procledger.api.access.AccessRecorder.class);
            var jdbc = context.getBean(JdbcTemplate.class);
            var target = new Target(base, paths, reader, jdbc);

            System.out.printf(Locale.ROOT, "machine: %d cores, %s %s; %s clients, %s, %d s per round%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                    System.getProperty("java.version"), Arrays.toString(clientCounts), mix
                            ? "GET list, requisition, history and inbox in turn" : "GET /api/tenants/{t}/requisitions/{id}",
                    seconds);
            // The JIT needs a long while on two cores that the clients keep busy (its compiler threads compete with
            // them): warm up both ways before anything counts, with at most 16 clients (-Dbench.warmUpClients).
            // Sixteen reach full speed in six pairs; with 64, throughput still rose through the measured rounds.
            int warmUpPairs = Integer.parseInt(System.getProperty("bench.warmUpPairs", "4"));
            int warmUpClients = Integer.parseInt(System.getProperty("bench.warmUpClients",
                    Integer.toString(Math.min(clientCounts[0], 16))));
            for (int w = 0; w < warmUpPairs; w++) {
                recorder.recording(true);
                round("warm-up on ", target, warmUpClients, seconds);
                recorder.recording(false);
                round("warm-up off", target, warmUpClients, seconds);
            }
            // on/off/off/on at each number of clients in turn, twice unless told otherwise: more blocks narrow the
            // spread on a machine that drifts, and every number of clients meets the same drift. With
            // -Dbench.lingers=1ms/8/1;2ms/32/2 (up to/below/while coming, GroupCommit.Linger), recording on runs once
            // with each linger: L1 L2 off off L2 L1, so that the lingers are compared in the same run too.
            int blocks = Integer.parseInt(System.getProperty("bench.blocks", "2"));
            GroupCommit writer = context.getBean(GroupCommit.class);
            Map<String, GroupCommit.Linger> lingers = lingers(System.getProperty("bench.lingers"));
            List<String> onModes = lingers.isEmpty() ? List.of("recording on") : List.copyOf(lingers.keySet());
            Map<String, Map<Integer, List<Round>>> onRounds = new LinkedHashMap<>();
            Map<Integer, List<Round>> offRounds = new TreeMap<>();
            // The first round after the number of clients changes runs slow (seen: 378 to 1,084 requests/s where the
            // rounds after it ran 900 to 1,250), which would count against whichever mode comes first: settle first.
            int settleSeconds = Integer.parseInt(System.getProperty("bench.settleSeconds", "5"));
            int previousClients = warmUpPairs > 0 ? warmUpClients : -1;
            for (int r = 0; r < blocks; r++) {
                for (int clients : clientCounts) {
                    recorder.recording(true);
                    if (clients != previousClients && settleSeconds > 0) {
                        round(String.format(Locale.ROOT, "%3d clients, settling", clients), target, clients, settleSeconds);
                    }
                    previousClients = clients;
                    List<String> order = new ArrayList<>(onModes);
                    order.add(null); // recording off, twice
                    order.add(null);
                    order.addAll(onModes.reversed());
                    for (String mode : order) {
                        recorder.recording(mode != null);
                        if (lingers.containsKey(mode)) {
                            com.procledger.infra.ledger.Lingers.set(writer, lingers.get(mode));
                        }
                        String label = String.format(Locale.ROOT, "%3d clients, %s", clients, mode == null ? "recording off" : mode);
                        Round round = round(label, target, clients, seconds);
                        (mode == null ? offRounds : onRounds.computeIfAbsent(mode, m -> new TreeMap<>()))
                                .computeIfAbsent(clients, c -> new ArrayList<>()).add(round);
                    }
                }
            }
            for (String mode : onModes) {
                for (int clients : onRounds.get(mode).keySet()) {
                    report(mode, clients, blocks, onRounds.get(mode).get(clients), offRounds.get(clients));
                }
                if (clientCounts.length > 1) {
                    reportPeaks(mode, blocks, onRounds.get(mode), offRounds);
                }
            }
            List<Round> allOn = onRounds.values().stream().flatMap(m -> m.values().stream()).flatMap(List::stream).toList();
            List<Round> allOff = offRounds.values().stream().flatMap(List::stream).toList();
            // where the JVM's CPU goes, by kind of thread: what recording adds, biggest first
            Map<String, Double> threadsOn = threadMs(allOn);
            Map<String, Double> threadsOff = threadMs(allOff);
            System.out.println("JVM CPU ms/request by thread, recording on / off, all measured rounds (the biggest differences):");
            threadsOn.keySet().stream()
                    .sorted(Comparator.comparingDouble((String name) -> -Math.abs(threadsOn.get(name) - threadsOff.getOrDefault(name, 0.0))))
                    .limit(10)
                    .forEach(name -> System.out.printf(Locale.ROOT, "  %-24s %.3f / %.3f%n", name, threadsOn.get(name),
                            threadsOff.getOrDefault(name, 0.0)));
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

    /** One number of clients: the means of each mode, each block's figure, latency and how idle the machine was. */
    private static void report(String mode, int clients, int blocks, List<Round> onRounds, List<Round> offRounds) {
        double meanOn = mean(onRounds);
        double meanOff = mean(offRounds);
        System.out.printf(Locale.ROOT, "%d clients: %s %.0f requests/s, recording off %.0f requests/s: %.1f%% lower%n",
                clients, mode, meanOn, meanOff, lower(meanOn, meanOff));
        // each block on its own (its two rounds each way): how far the figure scatters within the run
        List<Double> perBlock = new ArrayList<>();
        for (int r = 0; r < blocks; r++) {
            perBlock.add(lower(mean(onRounds.subList(2 * r, 2 * r + 2)), mean(offRounds.subList(2 * r, 2 * r + 2))));
        }
        printPerBlock(perBlock);
        System.out.printf(Locale.ROOT, "  latency, median over the rounds: recording on p50 %.2f ms, p99 %.2f ms; "
                        + "off p50 %.2f ms, p99 %.2f ms%n", median(onRounds, Round::p50), median(onRounds, Round::p99),
                median(offRounds, Round::p50), median(offRounds, Round::p99));
        // Where the clients are too few to keep the machine busy while each request waits for its commit, the
        // rate measures that wait (latency) as much as what the service can serve: say which of the two it was.
        DoubleSummaryStatistics idleOn = onRounds.stream().mapToDouble(Round::idle).summaryStatistics();
        DoubleSummaryStatistics idleOff = offRounds.stream().mapToDouble(Round::idle).summaryStatistics();
        System.out.printf(Locale.ROOT, "  machine idle: recording on %.0f–%.0f %%, off %.0f–%.0f %%; saturated in both modes "
                        + "(every round at most %.0f %% idle): %s%n", idleOn.getMin(), idleOn.getMax(), idleOff.getMin(),
                idleOff.getMax(), SATURATED_IDLE,
                idleOn.getMax() <= SATURATED_IDLE && idleOff.getMax() <= SATURATED_IDLE ? "yes" : "no");
    }

    /**
     * Throughput, what the service serves at most: each mode's best mean rate over the numbers of clients, whichever
     * number that is for each, for the whole run and for each block on its own.
     */
    private static void reportPeaks(String mode, int blocks, Map<Integer, List<Round>> onRounds,
                                    Map<Integer, List<Round>> offRounds) {
        Map.Entry<Integer, Double> peakOn = peak(onRounds, 0, blocks);
        Map.Entry<Integer, Double> peakOff = peak(offRounds, 0, blocks);
        System.out.printf(Locale.ROOT, "throughput (each mode's best rate): %s %.0f requests/s (%d clients), recording "
                        + "off %.0f requests/s (%d clients): %.1f%% lower%n", mode, peakOn.getValue(), peakOn.getKey(),
                peakOff.getValue(), peakOff.getKey(), lower(peakOn.getValue(), peakOff.getValue()));
        List<Double> perBlock = new ArrayList<>();
        for (int r = 0; r < blocks; r++) {
            perBlock.add(lower(peak(onRounds, r, r + 1).getValue(), peak(offRounds, r, r + 1).getValue()));
        }
        printPerBlock(perBlock);
    }

    /** Each block's figure and their median: how far the figure scatters within the run. */
    private static void printPerBlock(List<Double> lower) {
        System.out.printf(Locale.ROOT, "  per block: %s%% lower; median %.1f%%%n", String.join(", ",
                lower.stream().map(l -> String.format(Locale.ROOT, "%.1f", l)).toList()),
                median(lower.stream().mapToDouble(d -> d).toArray()));
    }

    /** The number of clients whose rounds in blocks [from, to) had the best mean rate, and that rate. */
    private static Map.Entry<Integer, Double> peak(Map<Integer, List<Round>> rounds, int from, int to) {
        return rounds.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), mean(e.getValue().subList(2 * from, 2 * to))))
                .max(Map.Entry.comparingByValue()).orElseThrow();
    }

    /** {@code 1ms/8/1;2ms/32/2} as lingers by their names ("recording on, linger 1ms/8/1"), in that order. */
    private static Map<String, GroupCommit.Linger> lingers(String spec) {
        Map<String, GroupCommit.Linger> lingers = new LinkedHashMap<>();
        if (spec != null && !spec.isBlank()) {
            for (String one : spec.split(";")) {
                String[] parts = one.strip().split("/");
                lingers.put("recording on, linger " + one.strip(), new GroupCommit.Linger(
                        Duration.ofNanos(Math.round(Double.parseDouble(parts[0].replace("ms", "")) * 1e6)),
                        Integer.parseInt(parts[1]), Integer.parseInt(parts[2])));
            }
        }
        return lingers;
    }

    private static double mean(List<Round> rounds) {
        return rounds.stream().mapToDouble(Round::rate).average().orElseThrow();
    }

    private static double lower(double on, double off) {
        return 100 * (off - on) / off;
    }

    /** A round counts as saturated when the machine stood idle for at most this share of it, in percent. */
    private static final double SATURATED_IDLE = 5;

    /** One measured round: requests/s, machine idle in percent, and the latency's median and 99th percentile in ms. */
    private record Round(double rate, double idle, double p50, double p99, Map<String, Double> threadMs) {
    }

    /** Each kind of JVM thread's CPU ms per request, the mean of a mode's rounds. */
    private static Map<String, Double> threadMs(List<Round> rounds) {
        return BenchService.meanThreadMs(rounds.stream().map(Round::threadMs).toList());
    }

    private static double median(List<Round> rounds, ToDoubleFunction<Round> figure) {
        return median(rounds.stream().mapToDouble(figure).toArray());
    }

    private static double median(double[] figures) {
        return BenchService.median(figures);
    }

    /** What the clients read, as whom, and the database to count the round's commits in. */
    private record Target(String base, List<String> paths, String token, JdbcTemplate jdbc) {
    }

    private static Round round(String label, Target target, int clients, int seconds) throws Exception {
        String base = target.base();
        List<String> paths = target.paths();
        String token = target.token();
        Timestamp from = new Timestamp(System.currentTimeMillis());
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<long[]> latencies = Collections.synchronizedList(new ArrayList<>());
        var measured = new BenchService.Measured();
        long start = measured.start;
        long end = start + seconds * 1_000_000_000L;
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int first = c * 5;
            futures.add(pool.submit(() -> {
                List<HttpRequest> requests = paths.stream().map(path -> HttpRequest.newBuilder(URI.create(base + path))
                        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).GET().build()).toList();
                long[] mine = new long[4096];
                int count = 0;
                while (System.nanoTime() < end) {
                    var request = requests.get((first + count) % requests.size());
                    long sent = System.nanoTime();
                    var response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                    if (count == mine.length) {
                        mine = Arrays.copyOf(mine, 2 * count);
                    }
                    mine[count++] = System.nanoTime() - sent;
                    (response.statusCode() == 200 ? done : failed).incrementAndGet();
                    if (response.statusCode() != 200 && failed.get() == 1) {
                        System.out.println("first failure: " + response.statusCode() + " " + response.body());
                    }
                }
                latencies.add(Arrays.copyOf(mine, count));
                return null;
            }));
        }
        measured.finish(futures, pool, latencies);
        double elapsed = measured.elapsed;
        long[] cpuBefore = measured.cpuBefore;
        long[] cpuAfter = measured.cpuAfter;
        BenchService.Threads threadsBefore = measured.threadsBefore;
        BenchService.Threads threadsAfter = measured.threadsAfter;
        double rate = done.get() / elapsed;
        double p50 = measured.p50;
        double p99 = measured.p99;
        // how many access events each commit carried in this round
        String commits = BenchService.eventsPerCommit(target.jdbc(), "events",
                "event_type = 'AccessRecorded' AND occurred_at >= ? AND occurred_at < ?", from,
                new Timestamp(System.currentTimeMillis()));
        // the monotonic clock's seconds at start and end, so that a system-wide profile (perf record -k
        // CLOCK_MONOTONIC) can be cut to one round: perf report --time START,END
        System.out.printf(Locale.ROOT, "%s %,8d requests in %5.1f s = %,7.0f requests/s (%d failed); latency p50 %.2f ms, "
                        + "p99 %.2f ms%s%s%s [%.3f,%.3f]%n", label, done.get(), elapsed, rate, failed.get(), p50, p99, commits,
                BenchService.cpuPer("request", cpuBefore, cpuAfter, done.get()),
                threadsBefore == null || threadsAfter == null || done.get() == 0 ? "" : String.format(Locale.ROOT,
                        "; JVM context switches/request %.2f (writer %.2f)",
                        (threadsAfter.switches() - threadsBefore.switches()) / (double) done.get(),
                        (threadsAfter.writerSwitches() - threadsBefore.writerSwitches()) / (double) done.get()),
                start / 1e9, (start + elapsed * 1e9) / 1e9);
        Map<String, Double> threadMs = BenchService.threadMsPerRequest(threadsBefore, threadsAfter, done.get());
        return new Round(rate, MachineCpu.idlePercent(cpuBefore, cpuAfter), p50, p99, threadMs);
    }
}
