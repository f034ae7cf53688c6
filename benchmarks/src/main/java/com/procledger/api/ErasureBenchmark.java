package com.procledger.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * How long erasing one data subject takes (docs/benchmarks.md), printed, never asserted: the real service, a small
 * tenant and one of {@code events} ledger events (access events and requisitions appended straight through the
 * storage engine), each with subjects who raised requisitions with their own justifications over HTTP. Erasures
 * alternate between the two tenants (small, big, big, small, ...); each is timed from the request to its answer,
 * which comes after the read models have applied it and a checkpoint is signed. Run with
 * {@code bin/bench erasure [events]}.
 */
public final class ErasureBenchmark {

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int subjects = 4;
        try (var service = new BenchService("erasure")) {
            String operator = service.token("operator@procledger.local");
            var small = tenant(service, operator, "small");
            var big = tenant(service, operator, "big");
            long start = System.nanoTime();
            service.appendRequisitions(List.of(big.id), events / 20);
            service.appendAccessEvents(List.of(big.id), events - events / 20);
            long ledgerEvents = service.context.getBean(org.springframework.jdbc.core.JdbcTemplate.class)
                    .queryForObject("SELECT count(*) FROM ledger_events WHERE tenant_id = ?", Long.class, big.id);
            System.out.printf(Locale.ROOT, "machine: %d cores, %s %s; the big tenant holds %,d ledger events "
                            + "(appended in %.1f s)%n", Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.vm.name"), System.getProperty("java.version"), ledgerEvents,
                    (System.nanoTime() - start) / 1e9);
            System.out.printf(Locale.ROOT, "live processors caught up in %.1f s%n", service.awaitProcessors());
            List<UUID> smallSubjects = subjects(service, small, subjects);
            List<UUID> bigSubjects = subjects(service, big, subjects);
            List<Double> smallTimes = new ArrayList<>();
            List<Double> bigTimes = new ArrayList<>();
            for (int i = 0; i < subjects; i++) {
                boolean smallFirst = i % 2 == 0;
                for (int k = 0; k < 2; k++) {
                    boolean isSmall = (k == 0) == smallFirst;
                    var tenant = isSmall ? small : big;
                    UUID subject = (isSmall ? smallSubjects : bigSubjects).get(i);
                    long t0 = System.nanoTime();
                    service.send("POST", "/api/tenants/" + tenant.id + "/users/" + subject + "/erasure", tenant.admin,
                            Map.of("reason", "benchmark erasure " + i));
                    double ms = (System.nanoTime() - t0) / 1e6;
                    (isSmall ? smallTimes : bigTimes).add(ms);
                    System.out.printf(Locale.ROOT, "erasure %d in the %s tenant: %.0f ms%n", i + 1,
                            isSmall ? "small" : "big", ms);
                }
            }
            double smallMedian = median(smallTimes);
            double bigMedian = median(bigTimes);
            System.out.printf(Locale.ROOT, "median: small tenant %.0f ms, tenant of %,d events %.0f ms (ratio %.2f)%n",
                    smallMedian, ledgerEvents, bigMedian, bigMedian / smallMedian);
        }
        System.exit(0); // Axon leaves a non-daemon janitor thread behind
    }

    private record Tenant(UUID id, String admin) {
    }

    private static Tenant tenant(BenchService service, String operator, String name) throws Exception {
        String email = "admin-" + name + "@erasure.bench";
        UUID id = UUID.fromString(service.send("POST", "/api/tenants", operator, Map.of("name", name, "currency", "EUR",
                "admin", Map.of("email", email, "name", "Admin " + name, "password", service.password))).get("id").asString());
        return new Tenant(id, service.token(email));
    }

    /** Subjects who each raised and submitted two requisitions with their own justification, over HTTP. */
    private static List<UUID> subjects(BenchService service, Tenant tenant, int n) throws Exception {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String email = "subject-" + i + "-" + UUID.randomUUID() + "@erasure.bench";
            UUID id = UUID.fromString(service.send("POST", "/api/tenants/" + tenant.id + "/users", tenant.admin,
                    Map.of("email", email, "name", "Subject " + i, "password", service.password,
                            "roles", List.of("REQUESTER"))).get("id").asString());
            String token = service.token(email);
            for (int r = 0; r < 2; r++) {
                String requisition = service.send("POST", "/api/tenants/" + tenant.id + "/requisitions", token,
                        Map.of("title", "Chair", "department", "Ops", "vendor", "ACME", "currency", "EUR",
                                "justification", "my own reason " + r, "lines", List.of(Map.of("description", "Chair",
                                        "category", "Furniture", "quantity", "1", "unitPrice", "120.00"))))
                        .get("id").asString();
                service.send("POST", "/api/tenants/" + tenant.id + "/requisitions/" + requisition + "/submit", token, null);
            }
            ids.add(id);
        }
        return ids;
    }

    private static double median(List<Double> values) {
        var sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
