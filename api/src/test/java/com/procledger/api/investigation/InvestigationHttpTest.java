package com.procledger.api.investigation;

import com.procledger.api.ProcLedgerProperties;
import com.procledger.api.HttpTestSupport;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import com.procledger.api.http.Unavailable;
import com.procledger.api.investigation.InvestigationJobs;
import com.procledger.infra.ledger.LedgerSearch;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InvestigationHttpTest extends HttpTestSupport {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    DataSource dataSource;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    com.procledger.infra.privacy.Sealer sealer;

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
        String approverToken = claim(tenant.approver, "jti");
        String approverId = claim(tenant.approver, "sub");

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
        String requesterId = claim(tenant.requester, "sub");

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
        // the operator's investigation is an access event in the platform's ledger, with its criteria (which may
        // name people's addresses: sealed under the operator's key)
        List<Map<String, Object>> recordedRows = jdbc.queryForList("""
                SELECT payload::jsonb->>'resource' AS resource, payload::jsonb->>'detail' AS detail FROM ledger_events
                WHERE event_type = 'AccessRecorded' AND payload::jsonb->>'action' = 'investigation.run-across-tenants'""");
        assertThat(recordedRows).anySatisfy(r -> {
            assertThat((String) r.get("resource")).startsWith("investigation ");
            assertThat((String) r.get("detail")).startsWith("sealed:v1:").doesNotContain(marker);
            assertThat(sealer.open((String) r.get("detail"))).contains(marker);
        });

        // a tenant's compliance user cannot look across tenants, nor into another tenant
        String compliance = first.addUser("compliance", List.of("COMPLIANCE"));
        assertThat(post("/api/investigations", compliance, window(start)).status()).isEqualTo(403);
        assertThat(post(second.path("/investigations"), compliance, window(start)).status()).isEqualTo(404);
        assertThat(post(first.path("/investigations"), compliance, window(start, "tenantId", second.id.toString()))
                .status()).isEqualTo(400);
    }

    @Test
    void aBigWindowIsAnsweredWithAJobWhoseProgressAnswerAndTimelineCanBeFetched() throws IOException {
        Instant start = Instant.now().minusSeconds(1);
        TestTenant tenant = newTenant();
        String compliance = tenant.addUser("compliance", List.of("COMPLIANCE"));
        String colleague = tenant.addUser("colleague", List.of("COMPLIANCE"));
        UUID id = tenant.raiseAndSubmit("10.00");
        assertThat(post(tenant.path("/requisitions/" + id + "/approve"), tenant.approver, null).status()).isEqualTo(200);
        String approverId = claim(tenant.approver, "sub");
        Map<String, Object> criteria = window(start, "actor", approverId);
        Response direct = post(tenant.path("/investigations"), compliance, criteria);
        assertThat(direct.status()).isEqualTo(200);

        // Prefer: respond-async asks for the job at once, as a big window gets it
        Response accepted = post(tenant.path("/investigations"), compliance, criteria, "Prefer", "respond-async");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        assertThat(accepted.header("Preference-Applied")).isEqualTo("respond-async");
        String jobId = accepted.json().get("id").asString();
        assertThat(accepted.header("Location")).isEqualTo(tenant.path("/investigations/" + jobId));
        assertThat(accepted.json().get("status").asString()).isIn("QUEUED", "RUNNING", "DONE");

        JsonNode done = poll(accepted.header("Location"), compliance);
        assertThat(done.get("processed").asLong()).isEqualTo(done.get("total").asLong()).isPositive();
        JsonNode result = done.get("result");
        // the job's answer is the direct one: the same events, total and affected
        assertThat(result.get("events")).isEqualTo(direct.json().get("events"));
        assertThat(result.get("total").asLong()).isEqualTo(direct.json().get("total").asLong())
                .isEqualTo(done.get("matched").asLong()).isPositive();
        assertThat(result.get("affected")).isEqualTo(direct.json().get("affected"));
        assertThat(result.get("affected").get("userCount").asLong()).isEqualTo(1);

        // the approver goes on working: the job's timeline stays what the job found (up to its ledger position)
        assertThat(get(tenant.path("/requisitions/" + id), tenant.approver).status()).isEqualTo(200);
        Response csv = get(tenant.path("/investigations/" + jobId + "/timeline?format=csv"), colleague);
        assertThat(csv.status()).as(csv.body()).isEqualTo(200);
        List<CSVRecord> rows = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(csv.body())).getRecords();
        assertThat(csv.header("X-Expected-Rows")).isEqualTo(String.valueOf(rows.size())).isEqualTo(result.get("total").asString());
        for (int i = 0; i < rows.size(); i++) {
            assertThat(rows.get(i).get("hash")).isEqualTo(result.get("events").get(i).get("hash").asString());
        }
        Response ndjson = get(tenant.path("/investigations/" + jobId + "/timeline"), compliance);
        assertThat(ndjson.body().lines().map(JSON::readTree).map(line -> line.get("ledgerSeq").asLong()).toList())
                .isEqualTo(rows.stream().map(row -> Long.parseLong(row.get("ledgerSeq"))).toList());
        assertThat(post(tenant.path("/investigations"), compliance, criteria).json().get("total").asLong())
                .isGreaterThan(result.get("total").asLong());

        // only where it was run: not from another tenant, not as an operator's investigation, not an unknown one
        TestTenant other = newTenant();
        String otherCompliance = other.addUser("compliance", List.of("COMPLIANCE"));
        assertThat(get(other.path("/investigations/" + jobId), otherCompliance).status()).isEqualTo(404);
        assertThat(get("/api/investigations/" + jobId, operatorToken).status()).isEqualTo(404);
        assertThat(get(tenant.path("/investigations/" + UUID.randomUUID()), compliance).status()).isEqualTo(404);
        assertThat(get(tenant.path("/investigations/" + jobId), tenant.approver).status()).isEqualTo(403);
        assertThat(get(tenant.path("/investigations/" + jobId + "/timeline?format=pdf"), compliance).status()).isEqualTo(400);
        assertThat(get(tenant.path("/investigations/not-a-uuid"), compliance).status()).isEqualTo(400);

        // an operator's job is polled at /api/investigations/{id}, and streamed as asked when it is done in time
        Response across = post("/api/investigations?format=ndjson", operatorToken, window(start, "actor", approverId),
                "Prefer", "respond-async");
        assertThat(across.header("Location")).isEqualTo("/api/investigations/" + across.json().get("id").asString());
        assertThat(poll(across.header("Location"), operatorToken).get("result").get("total").asLong())
                .isGreaterThanOrEqualTo(result.get("total").asLong());
        Response streamed = post("/api/investigations?format=ndjson", operatorToken, window(start, "actor", approverId));
        assertThat(streamed.status()).isEqualTo(200);
        assertThat(streamed.header("X-Expected-Rows")).isEqualTo(String.valueOf(streamed.body().lines().count()));
    }

    private JsonNode poll(String location, String token) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Response status = get(location, token);
            assertThat(status.status()).as(status.body()).isEqualTo(200);
            if (status.json().get("status").asString().equals("DONE")) {
                return status.json();
            }
            assertThat(status.json().get("status").asString()).isIn("QUEUED", "RUNNING");
            assertThat(System.nanoTime()).as("the investigation finishes").isLessThan(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void aWindowGoneOverInSlicesGivesTheSameMatchesInOrderAndReportsProgressUpToItsSize() {
        Instant start = Instant.now().minusSeconds(1);
        TestTenant tenant = newTenant();
        for (int i = 0; i < 4; i++) {
            tenant.raiseAndSubmit("1" + i + ".00");
        }
        var search = new LedgerSearch(dataSource, sealer::open);
        var criteria = new LedgerSearch.Criteria(start, Instant.now().plusSeconds(60), tenant.id, null, null, null, null, null);
        var everyEvent = new TransactionTemplate(transactions);
        long ceiling = search.ceiling();
        List<LedgerSearch.Hit> once = new ArrayList<>();
        List<LedgerSearch.Hit> sliced = new ArrayList<>();
        List<long[]> progress = new ArrayList<>();
        everyEvent.executeWithoutResult(status -> {
            search.forEach(criteria, ceiling, Long.MAX_VALUE, once::add);
            search.scan(criteria, ceiling, 3, sliced::add, (scanned, total, matched) ->
                    progress.add(new long[]{scanned, total, matched}));
        });
        Long windowSize = jdbc.queryForObject("SELECT count(*) FROM ledger_events WHERE tenant_id = ? AND occurred_at >= ?"
                + " AND global_position <= ?", Long.class, tenant.id, java.sql.Timestamp.from(start), ceiling);
        assertThat(windowSize).isGreaterThan(10);
        assertThat(sliced).isEqualTo(once).hasSize(windowSize.intValue());
        assertThat(progress.size()).isGreaterThan((int) (windowSize / 3) - 1);
        assertThat(progress).extracting(p -> p[0]).isSorted().startsWith(0L).endsWith(windowSize);
        assertThat(progress).extracting(p -> p[1]).containsOnly(windowSize);
        assertThat(progress).allSatisfy(p -> assertThat(p[2]).isLessThanOrEqualTo(p[0]));

        // an indicator: fewer matches, the same slices; nothing after the ceiling
        var approvals = new LedgerSearch.Criteria(start, Instant.now().plusSeconds(60), tenant.id, null, null, null,
                null, "RequisitionSubmitted");
        List<LedgerSearch.Hit> submitted = new ArrayList<>();
        everyEvent.executeWithoutResult(status -> search.scan(approvals, ceiling, 3, submitted::add, (s, t, m) -> {
        }));
        assertThat(submitted).hasSize(4).allSatisfy(hit -> assertThat(hit.eventType()).isEqualTo("RequisitionSubmitted"));
        tenant.raiseAndSubmit("99.00");
        List<LedgerSearch.Hit> later = new ArrayList<>();
        everyEvent.executeWithoutResult(status -> search.forEach(approvals, ceiling, Long.MAX_VALUE, later::add));
        assertThat(later).isEqualTo(submitted);
    }

    @Test
    void whenEveryWorkerIsBusyAndTheQueueIsFullANewInvestigationIsRefusedWithRetryAfter() throws Exception {
        var connectionsWait = new java.util.concurrent.CountDownLatch(1);
        DataSource stalled = (DataSource) java.lang.reflect.Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                new Class<?>[]{DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        connectionsWait.await();
                    }
                    try {
                        return method.invoke(dataSource, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        var settings = new ProcLedgerProperties.Investigations(java.time.Duration.ofMillis(10), 1, 1,
                java.time.Duration.ofHours(1), 2, 1000);
        var criteria = new LedgerSearch.Criteria(Instant.now().minusSeconds(1), Instant.now(), null, null, null, null,
                null, "nothing.matches");
        try (var jobs = new InvestigationJobs(stalled, new JdbcTransactionManager(stalled), settings, sealer)) {
            var running = jobs.submit(null, criteria);
            var queued = jobs.submit(null, criteria);
            assertThatThrownBy(() -> jobs.submit(null, criteria)).isInstanceOf(Unavailable.class)
                    .satisfies(e -> assertThat(((Unavailable) e).retryAfter()).isPositive());
            assertThat(running.await(java.time.Duration.ofMillis(100))).isFalse();
            connectionsWait.countDown();
            assertThat(running.await(java.time.Duration.ofSeconds(30))).isTrue();
            assertThat(queued.await(java.time.Duration.ofSeconds(30))).isTrue();
            assertThat(queued.state()).isEqualTo(InvestigationJobs.State.DONE);
            assertThat(queued.result().total()).isZero();
            // three finished jobs, at most two kept: the oldest is forgotten
            var third = jobs.submit(null, criteria);
            assertThat(third.await(java.time.Duration.ofSeconds(30))).isTrue();
            assertThat(jobs.find(third.id(), null)).isPresent();
            jobs.submit(null, criteria).await(java.time.Duration.ofSeconds(30));
            assertThat(jobs.find(running.id(), null)).isEmpty();
        }
    }

    @Autowired
    com.procledger.infra.ledger.LedgerEventStorageEngine ledgerEngine;

    @Test
    void anAddressRangeIsMatchedOnTheOpenedAddressesInOrderAndUpToTheLimit() {
        Instant start = Instant.now().minusSeconds(1);
        TestTenant tenant = newTenant();
        String actor = claim(tenant.requester, "sub");
        var tx = new TransactionTemplate(transactions);
        for (int from = 0; from < 2500; from += 500) {
            List<org.axonframework.eventhandling.EventMessage<?>> batch = new ArrayList<>();
            for (int i = from; i < from + 500; i++) {
                String ip = i % 2 == 0 ? "198.51.100." + (i % 250) : "192.0.2." + (i % 250);
                batch.add(org.axonframework.eventhandling.GenericEventMessage.asEventMessage(
                        new com.procledger.domain.access.AccessEvent.AccessRecorded(tenant.id, actor, actor,
                                "requisition.read", "/r/" + i, null, com.procledger.domain.access.AccessEvent.AccessOutcome.ALLOWED,
                                200, ip, "agent", "c-" + i, "t")));
            }
            tx.executeWithoutResult(status -> ledgerEngine.appendEvents(batch));
        }
        var search = new LedgerSearch(dataSource, sealer::open);
        long ceiling = search.ceiling();
        var range = new LedgerSearch.Criteria(start, Instant.now().plusSeconds(60), tenant.id, null, null,
                "198.51.100.0/24", null, null);
        List<LedgerSearch.Hit> all = new ArrayList<>();
        tx.executeWithoutResult(status -> search.forEach(range, ceiling, Long.MAX_VALUE, all::add));
        assertThat(all).hasSize(1250).allSatisfy(hit -> assertThat(hit.ip()).startsWith("198.51.100."));
        assertThat(all).extracting(LedgerSearch.Hit::ledgerSeq).isSorted();
        List<LedgerSearch.Hit> first = new ArrayList<>();
        tx.executeWithoutResult(status -> search.forEach(range, ceiling, 1100, first::add));
        assertThat(first).hasSize(1100).isEqualTo(all.subList(0, 1100));
        // with another indicator too, the address is matched after the events' JSON is read: the same answer
        var withActor = new LedgerSearch.Criteria(range.from(), range.to(), tenant.id, actor, null, "198.51.100.0/24",
                null, null);
        List<LedgerSearch.Hit> both = new ArrayList<>();
        tx.executeWithoutResult(status -> search.forEach(withActor, ceiling, Long.MAX_VALUE, both::add));
        assertThat(both).isEqualTo(all);
        // an address, not a range, and the whole window without an address: the same events, opened
        var one = new LedgerSearch.Criteria(start, Instant.now().plusSeconds(60), tenant.id, null, null,
                "192.0.2.1", null, null);
        List<LedgerSearch.Hit> single = new ArrayList<>();
        tx.executeWithoutResult(status -> search.forEach(one, ceiling, Long.MAX_VALUE, single::add));
        assertThat(single).isNotEmpty().allSatisfy(hit -> assertThat(hit.ip()).isEqualTo("192.0.2.1"));
    }
}
