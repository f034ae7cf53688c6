package com.procledger.api.http;

import com.procledger.api.HttpTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An answer that holds a secret (tokens, a TOTP secret, recovery codes, an API key) is never kept to be answered
 * again: it would sit in plaintext in {@code idempotency_keys} and go to anyone repeating the request. Those POSTs
 * refuse {@code Idempotency-Key} with a 400 and do nothing; without the header they work as always.
 */
class IdempotencySecretsHttpTest extends HttpTestSupport {

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void postsThatAnswerASecretRefuseAnIdempotencyKeyAndKeepNothing() {
        TestTenant tenant = newTenant();
        long keptBefore = kept();
        String key = "secret-" + UUID.randomUUID();

        Response signIn = post("/api/auth/token", null, Map.of("email", "operator@procledger.local",
                "password", OPERATOR_PASSWORD), "Idempotency-Key", key);
        assertThat(signIn.status()).as(signIn.body()).isEqualTo(400);
        assertThat(signIn.contentType()).startsWith("application/problem+json");
        assertThat(signIn.body()).contains("Idempotency-Key").doesNotContain("access_token");

        Response apiKey = post(tenant.path("/api-keys"), tenant.admin,
                Map.of("name", "ERP", "roles", List.of("REQUESTER"), "validDays", 30), "Idempotency-Key", key);
        assertThat(apiKey.status()).as(apiKey.body()).isEqualTo(400);
        assertThat(get(tenant.path("/api-keys"), tenant.admin).json().get("items")).isEmpty();

        Response enrol = post("/api/me/mfa/totp", tenant.finance, null, "Idempotency-Key", key);
        assertThat(enrol.status()).as(enrol.body()).isEqualTo(400);
        assertThat(kept()).isEqualTo(keptBefore);

        // without the header, as always; and other POSTs still take it
        assertThat(post(tenant.path("/api-keys"), tenant.admin,
                Map.of("name", "ERP", "roles", List.of("REQUESTER"), "validDays", 30)).status()).isEqualTo(201);
        Response raised = post(tenant.path("/requisitions"), tenant.requester, requisition("10.00"),
                "Idempotency-Key", key);
        assertThat(raised.status()).as(raised.body()).isEqualTo(201);
        assertThat(kept()).isEqualTo(keptBefore + 1);
    }

    private long kept() {
        return jdbc.queryForObject("SELECT count(*) FROM idempotency_keys", Long.class);
    }
}
