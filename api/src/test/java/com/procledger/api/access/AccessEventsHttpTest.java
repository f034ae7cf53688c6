package com.procledger.api.access;

import com.procledger.api.HttpTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

class AccessEventsHttpTest extends HttpTestSupport {

    @Autowired
    JdbcTemplate jdbc;

    /** The tenant's access log as its compliance user sees it, once it shows an entry matching {@code until}. */
    List<JsonNode> accessLog(TestTenant tenant, String compliance, String query, Predicate<JsonNode> until) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            Response response = get(tenant.path("/access-events?size=500" + query), compliance);
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            List<JsonNode> items = new ArrayList<>();
            response.json().get("items").forEach(items::add);
            if (items.stream().anyMatch(until) || System.nanoTime() > deadline) {
                return items;
            }
            sleep();
        }
    }

    static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Predicate<JsonNode> action(String action, String outcome) {
        return item -> item.get("action").asString().equals(action) && item.get("outcome").asString().equals(outcome);
    }

    @Test
    void readsWritesAndLoginsAreRecordedWithWhoWhatWhereAndHow() {
        TestTenant tenant = newTenant();
        String compliance = tenant.addUser("compliance", List.of("COMPLIANCE"));
        String requesterId = claim(tenant.requester, "sub");
        UUID requisition = tenant.raise("10.00");
        Response read = get(tenant.path("/requisitions/" + requisition), tenant.requester,
                "User-Agent", "procurement-app/2.1", "X-Correlation-Id", "corr-" + requisition);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.header("X-Correlation-Id")).isEqualTo("corr-" + requisition);

        List<JsonNode> log = accessLog(tenant, compliance, "&actor=" + requesterId,
                item -> ("corr-" + requisition).equals(item.get("correlationId").asString()));
        assertThat(log).allSatisfy(item -> assertThat(item.get("actor").asString()).isEqualTo(requesterId));
        JsonNode readEvent = log.stream().filter(action("requisition.read", "ALLOWED")).findFirst().orElseThrow();
        assertThat(readEvent.get("resource").asString()).isEqualTo(tenant.path("/requisitions/" + requisition));
        assertThat(readEvent.get("ip").asString()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(readEvent.get("userAgent").asString()).isEqualTo("procurement-app/2.1");
        assertThat(readEvent.get("tokenId").asString()).isEqualTo(claim(tenant.requester, "jti"));
        assertThat(readEvent.get("status").asInt()).isEqualTo(200);
        assertThat(readEvent.get("ledgerSeq").asLong()).isPositive();
        assertThat(log).anySatisfy(item -> {
            assertThat(item.get("action").asString()).isEqualTo("requisition.raise");
            assertThat(item.get("status").asInt()).isEqualTo(201);
        });
        assertThat(log).anySatisfy(item -> {
            assertThat(item.get("action").asString()).isEqualTo("auth.token");
            assertThat(item.get("outcome").asString()).isEqualTo("ALLOWED");
            assertThat(item.get("tokenId").asString()).isEqualTo(claim(tenant.requester, "jti"));
        });
        // the compliance user's own reads of the log are accesses too
        assertThat(accessLog(tenant, compliance, "&action=access.read", action("access.read", "ALLOWED"))).isNotEmpty();
        // and the ledger with all of it still verifies
        Response verify = get(tenant.path("/ledger/verify"), compliance);
        assertThat(verify.json().get("valid").asBoolean()).as(verify.body()).isTrue();
    }

    @Test
    void theAccessEventIsCommittedBeforeTheAnswerArrives() {
        TestTenant tenant = newTenant();
        for (int i = 0; i < 20; i++) {
            String correlation = "durable-" + UUID.randomUUID();
            Response response = get(tenant.path("/requisitions"), tenant.requester, "X-Correlation-Id", correlation);
            assertThat(response.status()).isEqualTo(200);
            // no waiting: the event is in the ledger (committed, another connection sees it) when the answer is here
            assertThat(jdbc.queryForObject("""
                    SELECT count(*) FROM ledger_events WHERE tenant_id = ? AND event_type = 'AccessRecorded'
                    AND payload->>'correlationId' = ?""", Long.class, tenant.id, correlation)).isEqualTo(1);
        }
    }

    @Test
    void denialsAreRecordedInTheLedgerOfTheTenantAimedAt() {
        TestTenant victim = newTenant();
        String compliance = victim.addUser("compliance", List.of("COMPLIANCE"));
        UUID secret = victim.raise("99.00");
        TestTenant prober = newTenant();
        String proberId = claim(prober.requester, "sub");

        assertThat(get(victim.path("/requisitions/" + secret), prober.requester).status()).isEqualTo(404);
        assertThat(get(prober.path("/requisitions/" + secret), prober.requester).status()).isEqualTo(404);
        assertThat(get(victim.path("/requisitions"), null).status()).isEqualTo(401);
        assertThat(get(victim.path("/users"), victim.requester).status()).isEqualTo(403);
        String victimRequesterEmail = JSON.readTree(get(victim.path("/users"), victim.admin).body()).get("items")
                .valueStream().filter(u -> u.get("email").asString().startsWith("requester-")).findFirst().orElseThrow()
                .get("email").asString();
        assertThat(post("/api/auth/token", null, Map.of("email", victimRequesterEmail, "password", "wrong-password-123"))
                .status()).isEqualTo(401);

        List<JsonNode> denied = accessLog(victim, compliance, "&outcome=DENIED",
                item -> item.get("action").asString().equals("auth.token"));
        assertThat(denied).allSatisfy(item -> assertThat(item.get("outcome").asString()).isEqualTo("DENIED"));
        assertThat(denied).filteredOn(item -> proberId.equals(item.get("actor").asString()))
                .extracting(item -> item.get("resource").asString())
                .containsExactlyInAnyOrder(victim.path("/requisitions/" + secret), prober.path("/requisitions/" + secret));
        assertThat(denied).anySatisfy(item -> {
            assertThat(item.get("status").asInt()).isEqualTo(401);
            assertThat(item.get("actor").isNull()).isTrue();
            assertThat(item.get("action").asString()).isEqualTo("requisition.list");
        });
        assertThat(denied).anySatisfy(item -> {
            assertThat(item.get("status").asInt()).isEqualTo(403);
            assertThat(item.get("action").asString()).isEqualTo("user.list");
        });
        assertThat(denied).anySatisfy(item -> {
            assertThat(item.get("action").asString()).isEqualTo("auth.token");
            assertThat(item.get("resource").asString()).isEqualTo("/api/auth/token");
            assertThat(item.get("detail").asString()).isEqualTo(victimRequesterEmail);
        });
        // the prober's own tenant holds none of it
        String proberCompliance = prober.addUser("compliance", List.of("COMPLIANCE"));
        assertThat(get(prober.path("/access-events?outcome=DENIED"), proberCompliance).json().get("total").asLong())
                .isZero();
    }

    @Test
    void theAccessLogIsForComplianceOnlyAndChecksItsFilters() {
        TestTenant tenant = newTenant();
        String compliance = tenant.addUser("compliance", List.of("COMPLIANCE"));
        assertThat(get(tenant.path("/access-events"), tenant.admin).status()).isEqualTo(403);
        assertThat(get(tenant.path("/access-events?outcome=MAYBE"), compliance).status()).isEqualTo(400);
        assertThat(get(tenant.path("/access-events?from=yesterday"), compliance).status()).isEqualTo(400);
        assertThat(get(tenant.path("/access-events?from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z"), compliance)
                .status()).isEqualTo(400);
        accessLog(tenant, compliance, "", action("access.read", "DENIED"));
        Response future = get(tenant.path("/access-events?from=2999-01-01T00:00:00Z"), compliance);
        assertThat(future.json().get("total").asLong()).isZero();
        Response window = get(tenant.path("/access-events?from=2020-01-01T00:00:00Z&to=2999-01-01T00:00:00Z&action=access.read"),
                compliance);
        assertThat(window.json().get("items").valueStream().map(item -> item.get("action").asString()).distinct().toList())
                .containsExactly("access.read");
    }
}
