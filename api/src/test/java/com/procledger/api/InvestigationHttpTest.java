package com.procledger.api;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class InvestigationHttpTest extends HttpTestSupport {

    @Autowired
    JdbcTemplate jdbc;

    private static List<JsonNode> events(Response response) {
        List<JsonNode> events = new ArrayList<>();
        response.json().get("events").forEach(events::add);
        return events;
    }

    private static Map<String, Object> window(Instant from, Object... indicators) {
        var body = new HashMap<String, Object>(Map.of("from", from.toString(), "to", Instant.now().plusSeconds(60).toString()));
        for (int i = 0; i < indicators.length; i += 2) {
            body.put((String) indicators[i], indicators[i + 1]);
        }
        return body;
    }

    @Test
    void aTenantsTimelineForATokenWithLedgerSeqAndHashAndWhatItTouched() {
        Instant start = Instant.now().minusSeconds(1);
        TestTenant tenant = newTenant();
        String compliance = tenant.addUser("compliance", List.of("COMPLIANCE"));
        UUID id = tenant.raiseAndSubmit("10.00");
        assertThat(post(tenant.path("/requisitions/" + id + "/approve"), tenant.approver, null).status()).isEqualTo(200);
        get(tenant.path("/requisitions/" + id), tenant.approver);
        TestTenant other = newTenant();
        other.raiseAndSubmit("99.00");
        String approverToken = AccessEventsHttpTest.claim(tenant.approver, "jti");
        String approverId = AccessEventsHttpTest.claim(tenant.approver, "sub");

        Response timeline = post(tenant.path("/investigations"), compliance, window(start, "tokenId", approverToken));
        assertThat(timeline.status()).as(timeline.body()).isEqualTo(200);
        List<JsonNode> events = events(timeline);
        // the approval (business events) and the approver's requests (access events), in ledger order
        assertThat(events).extracting(e -> e.get("eventType").asString())
                .contains("AccessRecorded", "ApprovalStepApproved", "RequisitionApproved");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.get("tenantId").asString()).isEqualTo(tenant.id.toString());
            assertThat(e.get("tokenId").asString()).isEqualTo(approverToken);
            assertThat(e.get("hash").asString()).hasSize(64);
        });
        assertThat(events).extracting(e -> e.get("ledgerSeq").asLong()).isSorted();
        assertThat(timeline.json().get("total").asLong()).isEqualTo(events.size());
        assertThat(timeline.json().get("truncated").asBoolean()).isFalse();
        JsonNode affected = timeline.json().get("affected");
        assertThat(affected.get("tenants")).hasSize(1);
        assertThat(affected.get("users").get(0).asString()).isEqualTo(approverId);
        List<String> records = new ArrayList<>();
        affected.get("records").forEach(r -> records.add(r.asString()));
        assertThat(records).contains("Requisition:" + id, "/api/tenants/" + tenant.id + "/requisitions/" + id);

        // each event's ledger_seq and hash are those of the verified ledger
        for (JsonNode event : events) {
            JsonNode line = JSON.readTree(get(tenant.path("/ledger/events?fromSeq=" + event.get("ledgerSeq").asLong()
                    + "&limit=1"), compliance).body());
            assertThat(line.get("hash").asString()).isEqualTo(event.get("hash").asString());
        }

        // other indicators: an actor and an action; an address range
        assertThat(events(post(tenant.path("/investigations"), compliance,
                window(start, "actor", approverId, "action", "RequisitionApproved"))))
                .extracting(e -> e.get("eventType").asString()).containsExactly("RequisitionApproved");
        String ip = events.get(0).get("ip").asString();
        String range = ip.contains(":") ? "::/0" : "127.0.0.0/8";
        assertThat(post(tenant.path("/investigations"), compliance, window(start, "ip", range)).json().get("total").asLong())
                .isGreaterThan(events.size());
        assertThat(post(tenant.path("/investigations"), compliance, window(start, "ip", "10.0.0.0/8")).json()
                .get("total").asLong()).isZero();
        assertThat(post(tenant.path("/investigations"), compliance, window(start, "resource", id.toString())).json()
                .get("affected").get("tenants")).hasSize(1);
    }

    @Test
    void theTimelineExportsAsCsvAndNdjsonWithLedgerSeqAndHash() throws IOException {
        Instant start = Instant.now().minusSeconds(1);
        TestTenant tenant = newTenant();
        String compliance = tenant.addUser("compliance", List.of("COMPLIANCE"));
        tenant.raiseAndSubmit("10.00");
        String requesterId = AccessEventsHttpTest.claim(tenant.requester, "sub");

        Response json = post(tenant.path("/investigations"), compliance, window(start, "actor", requesterId));
        Response csv = post(tenant.path("/investigations?format=csv"), compliance, window(start, "actor", requesterId));
        Response ndjson = post(tenant.path("/investigations?format=ndjson"), compliance, window(start, "actor", requesterId));
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        List<CSVRecord> rows = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(csv.body())).getRecords();
        List<JsonNode> lines = ndjson.body().lines().map(JSON::readTree).toList();
        List<JsonNode> events = events(json);
        assertThat(rows).hasSize(events.size());
        assertThat(lines).hasSize(events.size());
        assertThat(csv.header("X-Expected-Rows")).isEqualTo(String.valueOf(events.size()));
        assertThat(ndjson.header("X-Expected-Rows")).isEqualTo(String.valueOf(events.size()));
        for (int i = 0; i < events.size(); i++) {
            assertThat(rows.get(i).get("ledgerSeq")).isEqualTo(events.get(i).get("ledgerSeq").asString());
            assertThat(rows.get(i).get("hash")).isEqualTo(events.get(i).get("hash").asString());
            assertThat(lines.get(i).get("hash").asString()).isEqualTo(events.get(i).get("hash").asString());
        }
        assertThat(post(tenant.path("/investigations?format=pdf"), compliance, window(start)).status()).isEqualTo(400);
        assertThat(post(tenant.path("/investigations"), compliance, Map.of("from", "2026-01-02T00:00:00Z",
                "to", "2026-01-01T00:00:00Z")).status()).isEqualTo(400);
        assertThat(post(tenant.path("/investigations"), compliance, window(start, "ip", "not-an-ip")).status()).isEqualTo(400);
        assertThat(post(tenant.path("/investigations"), compliance, Map.of("to", "2026-01-01T00:00:00Z")).status()).isEqualTo(400);
    }

    @Test
    void anOperatorInvestigatesAcrossTenantsAndThatIsRecordedInTheLedger() {
        Instant start = Instant.now().minusSeconds(1);
        TestTenant first = newTenant();
        TestTenant second = newTenant();
        first.raise("1.00");
        second.raise("2.00");
        String marker = "probe-" + UUID.randomUUID();

        Response across = post("/api/investigations", operatorToken, window(start, "action", "RequisitionRaised"));
        assertThat(across.status()).as(across.body()).isEqualTo(200);
        List<String> tenants = new ArrayList<>();
        across.json().get("affected").get("tenants").forEach(t -> tenants.add(t.asString()));
        assertThat(tenants).contains(first.id.toString(), second.id.toString());

        Response recorded = post("/api/investigations", operatorToken, window(start, "tokenId", marker));
        assertThat(recorded.status()).isEqualTo(200);
        // the operator's investigation is an access event in the platform's ledger, with its criteria
        List<String> resources = jdbc.queryForList("""
                SELECT payload::jsonb->>'resource' FROM ledger_events
                WHERE event_type = 'AccessRecorded' AND payload::jsonb->>'action' = 'investigation.run-across-tenants'""",
                String.class);
        assertThat(resources).anySatisfy(r -> assertThat(r).startsWith("investigation ").contains(marker));

        // a tenant's compliance user cannot look across tenants, nor into another tenant
        String compliance = first.addUser("compliance", List.of("COMPLIANCE"));
        assertThat(post("/api/investigations", compliance, window(start)).status()).isEqualTo(403);
        assertThat(post(second.path("/investigations"), compliance, window(start)).status()).isEqualTo(404);
        assertThat(post(first.path("/investigations"), compliance, window(start, "tenantId", second.id.toString()))
                .status()).isEqualTo(400);
    }
}
