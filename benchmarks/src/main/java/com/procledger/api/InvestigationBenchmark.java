package com.procledger.api;

import tools.jackson.databind.JsonNode;

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
 * operator's investigations across tenants over the whole window, unfiltered and by indicator. Each one: how long
 * the request is held (200 with the answer, or 202 with a job after {@code answer-within}), the job's progress as
 * polled every second until it is done, and its whole timeline streamed as NDJSON and read to the end. Run with
 * {@code bin/bench investigation [events]}.
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
                    var body = new java.util.HashMap<String, Object>(indicators);
                    body.put("from", from.toString());
                    body.put("to", to);
                    investigate(service, operator, round, body);
                }
            }
        }
        System.exit(0); // Axon leaves a non-daemon janitor thread behind
    }

    private static void investigate(BenchService service, String token, int round, Map<String, Object> body)
            throws Exception {
        String indicators = body.keySet().stream().filter(k -> !k.equals("from") && !k.equals("to")).sorted().toList().toString();
        long start = System.nanoTime();
        HttpResponse<String> answer = BenchService.HTTP.send(request(service, token, "/api/investigations")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(BenchService.JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        double held = (System.nanoTime() - start) / 1e6;
        JsonNode json = BenchService.JSON.readTree(answer.body());
        String id = json.get("id").asString();
        var progress = new StringBuilder();
        int polls = 0;
        if (answer.statusCode() == 202) {
            while (!json.get("status").asString().equals("DONE")) {
                if (json.get("status").asString().equals("FAILED")) {
                    throw new IllegalStateException("investigation failed: " + json);
                }
                Thread.sleep(1000);
                json = BenchService.JSON.readTree(BenchService.HTTP.send(request(service, token, "/api/investigations/" + id)
                        .GET().build(), HttpResponse.BodyHandlers.ofString()).body());
                polls++;
                if (polls % 5 == 1 && json.get("total") != null && !json.get("total").isNull()) {
                    progress.append(String.format(Locale.ROOT, " %.0f%%", 100.0 * json.get("processed").asLong()
                            / Math.max(1, json.get("total").asLong())));
                }
            }
            json = json.get("result");
        } else if (answer.statusCode() != 200) {
            throw new IllegalStateException("answered " + answer.statusCode() + ": " + answer.body());
        }
        double done = (System.nanoTime() - start) / 1e6;
        System.out.printf(Locale.ROOT, "round %d %-10s request held %,6.0f ms (%d); done after %,8.0f ms, %,9d matches;"
                        + " polled %d times, progress seen:%s%n", round, indicators, held, answer.statusCode(), done,
                json.get("total").asLong(), polls, progress);

        long streamStart = System.nanoTime();
        HttpResponse<InputStream> timeline = BenchService.HTTP.send(request(service, token,
                "/api/investigations/" + id + "/timeline?format=ndjson").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        double header = (System.nanoTime() - streamStart) / 1e6;
        long[] read = BenchService.readRecords(timeline.body(), false);
        long bytes = read[0];
        long lines = read[1];
        if (timeline.statusCode() != 200) {
            throw new IllegalStateException("timeline answered " + timeline.statusCode());
        }
        System.out.printf(Locale.ROOT, "        %-10s timeline: first byte after %,6.0f ms, all %,8.0f ms, %,11d bytes,"
                        + " %,9d lines (X-Expected-Rows %s)%n", indicators, header, (System.nanoTime() - streamStart) / 1e6,
                bytes, lines, timeline.headers().firstValue("X-Expected-Rows").orElse("-"));
    }

    private static HttpRequest.Builder request(BenchService service, String token, String path) {
        return HttpRequest.newBuilder(URI.create(service.base + path)).timeout(Duration.ofMinutes(30))
                .header("Authorization", "Bearer " + token);
    }
}
