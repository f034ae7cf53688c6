package com.procledger.api;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Breach-investigation latency (docs/benchmarks.md), printed, never asserted: the real service, N access events over
 * 100 tenants appended straight through the storage engine ({@link BenchService#appendAccessEvents}), then an
 * operator's investigations across tenants over the whole window, as JSON (at most 10,000 events, with the summary
 * of all) and streamed as NDJSON (every event, read to the end), unfiltered and by indicator. Run with
 * {@code bin/bench-investigation [events]}.
 */
public final class InvestigationBenchmark {

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        try (var service = new BenchService("investigation")) {
            List<UUID> tenants = new ArrayList<>();
            for (int t = 0; t < 100; t++) {
                tenants.add(UUID.randomUUID());
            }
            Instant from = Instant.now().minusSeconds(60);
            long start = System.nanoTime();
            service.appendAccessEvents(tenants, events);
            System.out.printf(Locale.ROOT, "machine: %d cores, %s %s; %,d access events over %d tenants (appended in %.1f s)%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                    System.getProperty("java.version"), events, tenants.size(), (System.nanoTime() - start) / 1e9);
            System.out.printf(Locale.ROOT, "live processors caught up in %.1f s%n", service.awaitProcessors());
            String operator = service.token("operator@procledger.local");
            String to = Instant.now().plusSeconds(60).toString();
            for (int round = 1; round <= 2; round++) {
                for (var indicators : List.of(Map.<String, Object>of(), Map.<String, Object>of("ip", "10.0.7.0/24"),
                        Map.<String, Object>of("actor", new UUID(7, 42).toString()))) {
                    for (String format : List.of("json", "ndjson")) {
                        var body = new java.util.HashMap<String, Object>(indicators);
                        body.put("from", from.toString());
                        body.put("to", to);
                        time(service, operator, round, format, body);
                    }
                }
            }
        }
        System.exit(0); // Axon leaves a non-daemon janitor thread behind
    }

    private static void time(BenchService service, String token, int round, String format, Map<String, Object> body)
            throws Exception {
        long start = System.nanoTime();
        var request = HttpRequest.newBuilder(URI.create(service.base + "/api/investigations?format=" + format))
                .timeout(Duration.ofMinutes(30)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(BenchService.JSON.writeValueAsString(body))).build();
        HttpResponse<InputStream> response = BenchService.HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        double header = (System.nanoTime() - start) / 1e6;
        long bytes = 0;
        long lines = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = response.body()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                bytes += n;
                for (int i = 0; i < n; i++) {
                    lines += buffer[i] == '\n' ? 1 : 0;
                }
            }
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("answered " + response.statusCode());
        }
        double total = (System.nanoTime() - start) / 1e6;
        String indicators = body.keySet().stream().filter(k -> !k.equals("from") && !k.equals("to")).sorted().toList().toString();
        System.out.printf(Locale.ROOT, "round %d %-6s %-10s first byte after %,8.0f ms, all %,8.0f ms, %,11d bytes, %,9d lines%n",
                round, format, indicators, header, total, bytes, lines);
    }
}
