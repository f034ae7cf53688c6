package com.procledger.api;


import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * "As of" latency (docs/benchmarks.md), printed, never asserted: a tenant whose ledger holds N business events
 * (a third each raising, submitting and approving requisitions), and the views asked "as of" the head and the
 * middle over HTTP. The events are appended straight through the ledger's storage engine in batches (hashes,
 * ledger_seq and all), not through commands: this measures the replay. Run with {@code bin/bench asof [events]}.
 */
public final class TimeTravelBenchmark {

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        try (var service = new BenchService("asof")) {
            UUID tenant = UUID.fromString(service.tenant);
            String finance = service.user("finance@bench.test", "FINANCE", "APPROVER");
            long start = System.nanoTime();
            UUID someRequisition = service.appendRequisitions(List.of(tenant), events);
            long head = service.context.getBean(org.springframework.jdbc.core.JdbcTemplate.class).queryForObject(
                    "SELECT last_seq FROM ledger_tenant_heads WHERE tenant_id = ?", Long.class, tenant);
            System.out.printf(Locale.ROOT, "machine: %d cores, %s %s; tenant ledger %,d events (appended in %.1f s)%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                    System.getProperty("java.version"), head, (System.nanoTime() - start) / 1e9);
            // let every live processor finish, so that none shares the cores with the measurements
            System.out.printf(Locale.ROOT, "live processors caught up in %.1f s%n", service.awaitProcessors());
            String t = "/api/tenants/" + tenant;
            for (int round = 1; round <= 3; round++) {
                for (long at : new long[] {head, head / 2}) {
                    time(service, finance, round, "requisition list (page 1)", t + "/requisitions?asOf=" + at, at);
                    time(service, finance, round, "approver inbox", t + "/approvals/inbox?asOf=" + at, at);
                    time(service, finance, round, "spend by department", t + "/analytics/spend?asOf=" + at, at);
                }
                time(service, finance, round, "one requisition", t + "/requisitions/" + someRequisition + "?asOf=" + head, head);
                time(service, finance, round, "requisition list, today (no asOf)", t + "/requisitions", head);
            }
        }
        System.exit(0); // Axon leaves a non-daemon janitor thread behind
    }

    private static void time(BenchService service, String token, int round, String what, String path, long at)
            throws Exception {
        long start = System.nanoTime();
        var request = HttpRequest.newBuilder(URI.create(service.base + path)).timeout(Duration.ofMinutes(10))
                .header("Authorization", "Bearer " + token).GET().build();
        var response = BenchService.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        double ms = (System.nanoTime() - start) / 1e6;
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        System.out.printf(Locale.ROOT, "round %d  %-34s as of %,8d: %,9.0f ms%n", round, what, at, ms);
    }
}
