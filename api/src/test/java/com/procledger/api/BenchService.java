package com.procledger.api;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The real service for the benchmarks (never for tests): embedded PostgreSQL in a temporary data directory, plain
 * HTTP on a free port, rate limits out of reach, a tenant with an admin. Deleted again on {@link #close}.
 */
final class BenchService implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final ConfigurableApplicationContext context;
    final String base;
    final String password = "bench-password-" + UUID.randomUUID();
    final String tenant;
    final String admin;
    private final Path dir;

    BenchService(String name) throws Exception {
        dir = Files.createTempDirectory("procledger-" + name + "-bench-");
        context = SpringApplication.run(ProcLedgerApplication.class,
                "--procledger.data-dir=" + dir, "--server.port=0", "--procledger.bootstrap-password=" + password,
                "--logging.level.root=WARN",
                "--procledger.http.tls.plain=true",
                // the benchmarks measure the service, not the rate limits that would stop their clients
                "--procledger.rate-limit.per-token=1000000000", "--procledger.rate-limit.per-ip=1000000000");
        base = "http://localhost:" + context.getEnvironment().getProperty("local.server.port");
        String operator = token("operator@procledger.local");
        tenant = send("POST", "/api/tenants", operator, Map.of("name", "Bench", "currency", "EUR",
                "admin", Map.of("email", "admin@bench.test", "name", "Admin", "password", password))).get("id").asString();
        admin = token("admin@bench.test");
    }

    /** A user of the bench tenant with these roles, signed in. */
    String user(String email, String... roles) throws Exception {
        send("POST", "/api/tenants/" + tenant + "/users", admin, Map.of("email", email, "name", email,
                "password", password, "roles", List.of(roles)));
        return token(email);
    }

    String token(String email) throws Exception {
        return send("POST", "/api/auth/token", null, Map.of("email", email, "password", password))
                .get("access_token").asString();
    }

    JsonNode send(String method, String path, String token, Object body) throws Exception {
        var builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        var response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    @Override
    public void close() throws Exception {
        context.close();
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
