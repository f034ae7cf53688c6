package com.procledger.api.http;

import com.procledger.api.HttpTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request with an Idempotency-Key that died (a crash between its commit and the keeping of its answer, or before
 * its commit) leaves its key pending. After the lease, a retry answers as the first answer would have: it finds
 * the committed command by its key in the ledger, or runs the command if it never committed.
 */
class IdempotencyRecoveryHttpTest extends HttpTestSupport {

    @Autowired
    JdbcTemplate jdbc;

    private static final String BODY = "{\"title\":\"Chairs\",\"department\":\"Ops\",\"vendor\":\"ACME\",\"currency\":\"EUR\","
            + "\"lines\":[{\"description\":\"Chair\",\"category\":\"Furniture\",\"quantity\":\"4\",\"unitPrice\":\"80.00\"}]}";

    @Test
    void givenARequestThatCommittedButDiedBeforeItsAnswerWasKept_whenRetried_thenTheSameAnswerAndNoSecondRequisition() {
        TestTenant tenant = newTenant();
        String key = "chairs-" + UUID.randomUUID();
        Response first = post(tenant.path("/requisitions"), tenant.requester, BODY, "Idempotency-Key", key);
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        String id = first.json().get("id").asString();
        forgetTheAnswer(key); // as if the service had died right after the commit

        Response retried = post(tenant.path("/requisitions"), tenant.requester, BODY, "Idempotency-Key", key);
        assertThat(retried.status()).as(retried.body()).isEqualTo(201);
        assertThat(retried.json().get("id").asString()).isEqualTo(id);
        assertThat(retried.header("Location")).isEqualTo(first.header("Location"));
        assertThat(raisedEvents(id)).isEqualTo(1);
        // and from now on the kept answer is replayed
        Response again = post(tenant.path("/requisitions"), tenant.requester, BODY, "Idempotency-Key", key);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.json().get("id").asString()).isEqualTo(id);

        // a state change too: the retry answers the submitted requisition, it does not submit it again
        String submitKey = "submit-" + UUID.randomUUID();
        Response submitted = post(tenant.path("/requisitions/" + id + "/submit"), tenant.requester, null,
                "Idempotency-Key", submitKey);
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(200);
        forgetTheAnswer(submitKey);
        Response resubmitted = post(tenant.path("/requisitions/" + id + "/submit"), tenant.requester, null,
                "Idempotency-Key", submitKey);
        assertThat(resubmitted.status()).as(resubmitted.body()).isEqualTo(200);
        assertThat(resubmitted.json().get("status").asString()).isEqualTo("SUBMITTED");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM ledger_events WHERE aggregate_id = ? AND event_type LIKE ?",
                Long.class, id, "%RequisitionSubmitted")).isEqualTo(1);
    }

    @Test
    void givenARequestThatDiedBeforeItsCommit_whenRetried_thenTheCommandRunsOnce() {
        TestTenant tenant = newTenant();
        String key = "never-committed-" + UUID.randomUUID();
        // the claim a request left when it died before its command committed
        jdbc.update("INSERT INTO idempotency_keys (scope, key, request_hash, state, created_at) "
                        + "VALUES (?, ?, ?, 'PENDING', now() - interval '1 hour')",
                subjectOf(tenant.requester) + " " + tenant.path("/requisitions"), key, sha256(BODY));

        Response retried = post(tenant.path("/requisitions"), tenant.requester, BODY, "Idempotency-Key", key);
        assertThat(retried.status()).as(retried.body()).isEqualTo(201);
        String id = retried.json().get("id").asString();
        assertThat(raisedEvents(id)).isEqualTo(1);
        assertThat(get(tenant.path("/requisitions/" + id), tenant.requester).status()).isEqualTo(200);
    }

    @Test
    void aKeyWhoseRequestIsStillWithinItsLeaseIsBusy() {
        TestTenant tenant = newTenant();
        String key = "busy-" + UUID.randomUUID();
        jdbc.update("INSERT INTO idempotency_keys (scope, key, request_hash, state) VALUES (?, ?, ?, 'PENDING')",
                subjectOf(tenant.requester) + " " + tenant.path("/requisitions"), key, sha256(BODY));
        Response busy = post(tenant.path("/requisitions"), tenant.requester, BODY, "Idempotency-Key", key);
        assertThat(busy.status()).isEqualTo(409);
        assertThat(busy.header("Retry-After")).isNotNull();
        assertThat(busy.contentType()).startsWith("application/problem+json");
    }

    private void forgetTheAnswer(String key) {
        assertThat(jdbc.update("UPDATE idempotency_keys SET state = 'PENDING', status = NULL, headers = NULL, body = NULL, "
                + "created_at = now() - interval '1 hour' WHERE key = ?", key)).isEqualTo(1);
    }

    private long raisedEvents(String id) {
        return jdbc.queryForObject("SELECT count(*) FROM ledger_events WHERE aggregate_id = ? AND event_type LIKE ?",
                Long.class, id, "%RequisitionRaised");
    }

    private static String subjectOf(String token) {
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        return JSON.readTree(payload).get("sub").asString();
    }

    private static String sha256(String body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
