package com.procledger.api.http;

import com.procledger.api.HttpTestSupport;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SecurityHeadersHttpTest extends HttpTestSupport {

    static void assertSecurityHeaders(Response response) {
        assertThat(response.header("Strict-Transport-Security")).as("HSTS").startsWith("max-age=");
        assertThat(response.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
        assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(response.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void everyAnswerCarriesTheSecurityHeadersErrorsIncluded() {
        TestTenant tenant = newTenant();
        List<Response> answers = List.of(
                get(tenant.path("/requisitions"), tenant.requester),                       // 200
                get(tenant.path("/requisitions"), null),                                   // 401 from Spring Security
                get(tenant.path("/users"), tenant.requester),                              // 403
                get("/api/tenants/00000000-0000-0000-0000-000000000001", tenant.requester), // 404
                get("/no/such/page", null),                                                // 401/404 outside the API
                post(tenant.path("/requisitions"), tenant.requester, "{not json"),          // 400
                post(tenant.path("/requisitions"), tenant.requester, "x".repeat(2_000_000)), // 413 before anything reads it
                post("/api/auth/token", null, Map.of("email", "x@example.test", "password", "wrong-password")), // 401
                get("/actuator/health", null),
                get("/api/ledger/public-key", null));
        assertThat(answers).extracting(Response::status).contains(200, 400, 401, 403, 404, 413);
        answers.forEach(SecurityHeadersHttpTest::assertSecurityHeaders);
    }
}
