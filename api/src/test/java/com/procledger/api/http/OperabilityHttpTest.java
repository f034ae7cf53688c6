package com.procledger.api.http;

import com.procledger.api.HttpTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OperabilityHttpTest extends HttpTestSupport {

    @Test
    void healthAnswersWithoutAToken() {
        Response health = get("/actuator/health", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asString()).isEqualTo("UP");
    }

    @Test
    void theOpenApiDocumentDescribesTheContract() {
        Response docs = get("/v3/api-docs", null);
        assertThat(docs.status()).isEqualTo(200);
        var paths = docs.json().get("paths");
        assertThat(paths.has("/api/auth/token")).isTrue();
        assertThat(paths.has("/api/tenants/{tenantId}/requisitions/{id}/approve")).isTrue();
        assertThat(paths.has("/api/tenants/{tenantId}/approvals/inbox")).isTrue();
    }

    @Test
    void otherActuatorEndpointsAreNotExposed() {
        assertThat(get("/actuator/env", operatorToken).status()).isEqualTo(404);
    }
}
