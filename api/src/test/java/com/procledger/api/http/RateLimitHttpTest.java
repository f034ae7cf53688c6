package com.procledger.api.http;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rate limits, in an application of its own (own data directory, small limits), since the shared test application
 * must not limit the thousands of requests the other tests send from one address.
 */
@org.junit.jupiter.api.Tag("own-application")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "procledger.passwords.bcrypt-cost=4",
        "procledger.passwords.allow-cost-below12-for-tests=true",
        "procledger.http.tls.plain=true",
        "procledger.bootstrap-password=" + RateLimitHttpTest.PASSWORD,
        "procledger.rate-limit.per-token=5",
        "procledger.rate-limit.per-ip=12",
        "procledger.rate-limit.period=1h"})
class RateLimitHttpTest {

    static final String PASSWORD = "rate-limit-test-password";
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) throws Exception {
        Files.createDirectories(Path.of("target"));
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "test-data-rate-");
        registry.add("procledger.data-dir", dir::toString);
    }

    HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        var builder = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTokenAndThenAnAddressOverTheirLimitsGet429WithRetryAfter() throws Exception {
        var signIn = send("POST", "/api/auth/token", null,
                "{\"email\":\"operator@procledger.local\",\"password\":\"" + PASSWORD + "\"}");
        assertThat(signIn.statusCode()).isEqualTo(200);
        String token = JSON.readTree(signIn.body()).get("access_token").asString();

        List<Integer> statuses = new ArrayList<>();
        HttpResponse<String> limited = null;
        for (int i = 0; i < 7; i++) {
            var response = send("GET", "/api/tenants/00000000-0000-0000-0000-000000000001", token, null);
            statuses.add(response.statusCode());
            if (response.statusCode() == 429) {
                limited = response;
            }
        }
        // the token's five, then refused
        assertThat(statuses).containsExactly(404, 404, 404, 404, 404, 429, 429);
        assertThat(limited.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow())).isPositive();

        // the address has had 8 of its 12; bad tokens count against it as well, then everything from it is refused
        List<Integer> more = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            more.add(send("GET", "/api/tenants/00000000-0000-0000-0000-000000000001", "not-a-token", null).statusCode());
        }
        assertThat(more).containsExactly(401, 401, 401, 401, 429, 429);
        assertThat(send("GET", "/actuator/health", null, null).statusCode()).isEqualTo(200);
    }
}
