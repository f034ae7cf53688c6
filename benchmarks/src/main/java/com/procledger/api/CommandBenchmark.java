package com.procledger.api;

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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The write path over HTTP (docs/benchmarks.md), printed, never asserted: the real service on an embedded PostgreSQL
 * (fsync on, plain HTTP, rate limits out of reach), clients looping create → submit → approve (three commands, each
 * answered once the read models show it), against clients reading one requisition, in the same run and in
 * commands/reads/reads/commands order so that drift favours neither. At each number of clients: commands/s and
 * reads/s, their ratio, p50/p99 latency, CPU per request, and where the JVM's CPU goes per request by kind of
 * thread. Run with {@code bin/bench command [clients[,clients...]] [secondsPerRound]}.
 */
public final class CommandBenchmark {

    private static final HttpClient HTTP = BenchService.HTTP;

    public static void main(String[] args) throws Exception {
        int[] clientCounts = Arrays.stream((args.length > 0 ? args[0] : "16,64").split(",")).mapToInt(Integer::parseInt)
                .toArray();
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        int blocks = Integer.parseInt(System.getProperty("bench.blocks", "2"));
        try (var service = new BenchService("command")) {
            String t = service.base + "/api/tenants/" + service.tenant;
            String requester = service.user("req@bench.test", "REQUESTER");
            String approver = service.user("approver@bench.test", "APPROVER");
            String id = service.send("POST", "/api/tenants/" + service.tenant + "/requisitions", requester, body(0))
                    .get("id").asString();
            var jdbc = service.context.getBean(JdbcTemplate.class);
            var target = new Target(t, id, requester, approver);
            System.out.printf(Locale.ROOT, "machine: %d cores, %s %s; %s clients, %d s per round, %d blocks%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                    System.getProperty("java.version"), Arrays.toString(clientCounts), seconds, blocks);
            // the JIT needs a while on two cores: both kinds of work before anything counts
            int warmUps = Integer.parseInt(System.getProperty("bench.warmUpPairs", "3"));
            for (int w = 0; w < warmUps; w++) {
                round("warm-up commands", target, Math.min(16, clientCounts[0]), seconds, true, jdbc);
                round("warm-up reads   ", target, Math.min(16, clientCounts[0]), seconds, false, jdbc);
            }
            Map<Integer, List<Round>> commandRounds = new TreeMap<>();
            Map<Integer, List<Round>> readRounds = new TreeMap<>();
            for (int b = 0; b < blocks; b++) {
                for (int clients : clientCounts) {
                    round(String.format(Locale.ROOT, "%3d clients, settling", clients), target, clients, 5, true, jdbc);
                    for (boolean commands : new boolean[]{true, false, false, true}) {
                        String label = String.format(Locale.ROOT, "%3d clients, %s", clients, commands ? "commands" : "reads   ");
                        (commands ? commandRounds : readRounds).computeIfAbsent(clients, c -> new ArrayList<>())
                                .add(round(label, target, clients, seconds, commands, jdbc));
                    }
                }
            }
            for (int clients : commandRounds.keySet()) {
                List<Round> commands = commandRounds.get(clients);
                List<Round> reads = readRounds.get(clients);
                double c = median(commands.stream().mapToDouble(Round::rate).toArray());
                double r = median(reads.stream().mapToDouble(Round::rate).toArray());
                System.out.printf(Locale.ROOT, "%d clients, medians: commands %.0f/s (p50 %.1f ms, p99 %.1f ms, JVM CPU "
                                + "%.2f ms, rest %.2f ms per command), reads %.0f/s (p50 %.1f ms, p99 %.1f ms, JVM CPU "
                                + "%.2f ms, rest %.2f ms per read); commands / reads %.2f%n", clients, c,
                        median(commands, Round::p50), median(commands, Round::p99), median(commands, Round::jvmMs),
                        median(commands, Round::restMs), r, median(reads, Round::p50), median(reads, Round::p99),
                        median(reads, Round::jvmMs), median(reads, Round::restMs), c / r);
            }
            // where the JVM's CPU goes per request, by kind of thread, all measured rounds of each kind
            Map<String, Double> perCommand = threadMs(commandRounds.values().stream().flatMap(List::stream).toList());
            Map<String, Double> perRead = threadMs(readRounds.values().stream().flatMap(List::stream).toList());
            System.out.println("JVM CPU ms per request by thread, command / read (the biggest first):");
            perCommand.keySet().stream().sorted(Comparator.comparingDouble((String n) -> -perCommand.get(n))).limit(12)
                    .forEach(name -> System.out.printf(Locale.ROOT, "  %-24s %.3f / %.3f%n", name, perCommand.get(name),
                            perRead.getOrDefault(name, 0.0)));
            System.out.printf(Locale.ROOT, "business events in the ledger: %,d in %,d commits%n",
                    jdbc.queryForObject("SELECT count(*) FROM ledger_events WHERE event_type <> 'AccessRecorded'", Long.class),
                    jdbc.queryForObject("SELECT count(DISTINCT xmin::text) FROM ledger_events WHERE event_type <> 'AccessRecorded'", Long.class));
        }
        System.exit(0); // Axon leaves a non-daemon janitor thread behind
    }

    private static Map<String, Object> body(int i) {
        return Map.of("title", "Laptops " + i, "department", "Engineering", "vendor", "ACME", "currency", "EUR",
                "justification", "Two new hires", "lines", List.of(Map.of("description", "Laptop", "category", "IT",
                        "quantity", "2", "unitPrice", "650.00")));
    }

    /** Where the clients go and as whom: the tenant's URL, the requisition read, a requester and an approver. */
    private record Target(String tenantUrl, String readId, String requester, String approver) {
    }

    /** One measured round: requests/s, latencies in ms, CPU per request in ms (this JVM, the rest of the machine). */
    private record Round(double rate, double p50, double p99, double jvmMs, double restMs, Map<String, Double> threadMs) {
    }

    private static Round round(String label, Target target, int clients, int seconds, boolean commands, JdbcTemplate jdbc)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<long[]> latencies = Collections.synchronizedList(new ArrayList<>());
        Timestamp from = new Timestamp(System.currentTimeMillis());
        var measured = new BenchService.Measured();
        long end = measured.start + seconds * 1_000_000_000L;
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> {
                long[] mine = new long[4096];
                int count = 0;
                var read = HttpRequest.newBuilder(URI.create(target.tenantUrl() + "/requisitions/" + target.readId()))
                        .header("Authorization", "Bearer " + target.requester()).timeout(Duration.ofSeconds(30)).GET().build();
                int i = 0;
                while (System.nanoTime() < end) {
                    List<HttpRequest> steps = new ArrayList<>();
                    if (commands) {
                        long sent = System.nanoTime();
                        var created = HTTP.send(post(target.tenantUrl() + "/requisitions", target.requester(),
                                BenchService.JSON.writeValueAsString(body(i++))), HttpResponse.BodyHandlers.ofString());
                        if (count + 3 > mine.length) {
                            mine = Arrays.copyOf(mine, 2 * mine.length);
                        }
                        mine[count++] = System.nanoTime() - sent;
                        if (created.statusCode() != 201) {
                            fail(failed, created);
                            continue;
                        }
                        done.incrementAndGet();
                        String id = BenchService.JSON.readTree(created.body()).get("id").asString();
                        steps.add(post(target.tenantUrl() + "/requisitions/" + id + "/submit", target.requester(), "{}"));
                        steps.add(post(target.tenantUrl() + "/requisitions/" + id + "/approve", target.approver(), "{}"));
                    } else {
                        steps.add(read);
                    }
                    for (HttpRequest step : steps) {
                        long sent = System.nanoTime();
                        var response = HTTP.send(step, HttpResponse.BodyHandlers.ofString());
                        if (count == mine.length) {
                            mine = Arrays.copyOf(mine, 2 * count);
                        }
                        mine[count++] = System.nanoTime() - sent;
                        if (response.statusCode() != 200) {
                            fail(failed, response);
                            break;
                        }
                        done.incrementAndGet();
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
        double rate = done.get() / elapsed;
        double p50 = measured.p50;
        double p99 = measured.p99;
        String commits = !commands ? "" : BenchService.eventsPerCommit(jdbc, "business events",
                "event_type <> 'AccessRecorded' AND occurred_at >= ?", from);
        System.out.printf(Locale.ROOT, "%s %,7d requests in %5.1f s = %,6.0f/s (%d failed); latency p50 %.1f ms, p99 %.1f ms%s%s%n",
                label, done.get(), elapsed, rate, failed.get(), p50, p99, commits,
                BenchService.cpuPer(commands ? "command" : "read", cpuBefore, cpuAfter, done.get()));
        Map<String, Double> threadMs = BenchService.threadMsPerRequest(measured.threadsBefore, measured.threadsAfter,
                done.get());
        double jvmMs = cpuBefore == null || done.get() == 0 ? Double.NaN : (cpuAfter[2] - cpuBefore[2]) * 10.0 / done.get();
        double restMs = cpuBefore == null || done.get() == 0 ? Double.NaN
                : ((cpuAfter[0] - cpuBefore[0]) - (cpuAfter[2] - cpuBefore[2])) * 10.0 / done.get();
        return new Round(rate, p50, p99, jvmMs, restMs, threadMs);
    }

    private static HttpRequest post(String url, String token, String json) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private static void fail(AtomicLong failed, HttpResponse<String> response) {
        if (failed.incrementAndGet() == 1) {
            System.out.println("first failure: " + response.statusCode() + " " + response.body());
        }
    }

    private static Map<String, Double> threadMs(List<Round> rounds) {
        return BenchService.meanThreadMs(rounds.stream().map(Round::threadMs).toList());
    }

    private static double median(List<Round> rounds, java.util.function.ToDoubleFunction<Round> figure) {
        return median(rounds.stream().mapToDouble(figure).toArray());
    }

    private static double median(double[] figures) {
        return BenchService.median(figures);
    }
}
