package com.procledger.api.ledger;

import com.procledger.api.HttpTestSupport;
import com.procledger.projections.replay.TimeTravel;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Tenant views as of a ledger_seq or a time, replayed from the ledger through the read models' own handlers. */
class TimeTravelHttpTest extends HttpTestSupport {

    private long lastSeq(TestTenant tenant, UUID id) {
        return get(tenant.path("/requisitions/" + id), tenant.requester).json().get("lastLedgerSeq").asLong();
    }

    private static List<String> ids(JsonNode items) {
        List<String> ids = new ArrayList<>();
        items.forEach(item -> ids.add(item.has("requisitionId") ? item.get("requisitionId").asString() : item.get("id").asString()));
        return ids;
    }

    @Test
    void requisitionsInboxAndSpendAsTheyStoodAtEachPointOfTheLedger() {
        TestTenant tenant = newTenant();
        UUID a = tenant.raise("100.00");
        long raisedA = lastSeq(tenant, a);
        assertThat(post(tenant.path("/requisitions/" + a + "/submit"), tenant.requester, null).status()).isEqualTo(200);
        long submittedA = lastSeq(tenant, a);
        assertThat(post(tenant.path("/requisitions/" + a + "/approve"), tenant.approver, null).status()).isEqualTo(200);
        long approvedA = lastSeq(tenant, a);
        UUID b = tenant.raise("7.00");
        assertThat(raisedA).isLessThan(submittedA).isLessThan(approvedA);

        // detail, by ledger_seq
        Response thenDraft = get(tenant.path("/requisitions/" + a + "?asOf=" + raisedA), tenant.requester);
        assertThat(thenDraft.status()).as(thenDraft.body()).isEqualTo(200);
        assertThat(thenDraft.json().get("status").asString()).isEqualTo("DRAFT");
        assertThat(thenDraft.header(TimeTravel.HEADER)).isEqualTo(String.valueOf(raisedA));
        assertThat(get(tenant.path("/requisitions/" + a + "?asOf=" + submittedA), tenant.requester).json()
                .get("status").asString()).isEqualTo("SUBMITTED");
        // a requisition raised later did not exist yet
        Response notYet = get(tenant.path("/requisitions/" + b + "?asOf=" + approvedA), tenant.requester);
        assertThat(notYet.status()).isEqualTo(404);
        assertThat(notYet.contentType()).startsWith("application/problem+json");

        // list
        assertThat(ids(get(tenant.path("/requisitions?asOf=" + approvedA), tenant.requester).json().get("items")))
                .containsExactly(a.toString());
        assertThat(ids(get(tenant.path("/requisitions"), tenant.requester).json().get("items")))
                .containsExactlyInAnyOrder(a.toString(), b.toString());

        // the approver's inbox: A waited on them between submission and approval
        assertThat(ids(get(tenant.path("/approvals/inbox?asOf=" + submittedA), tenant.approver).json().get("items")))
                .containsExactly(a.toString());
        assertThat(ids(get(tenant.path("/approvals/inbox?asOf=" + approvedA), tenant.approver).json().get("items"))).isEmpty();
        assertThat(ids(get(tenant.path("/approvals/inbox"), tenant.approver).json().get("items"))).isEmpty();

        // spend: pending after submission, committed after approval
        assertThat(get(tenant.path("/analytics/spend?status=SUBMITTED&asOf=" + submittedA), tenant.finance).json()
                .get("items").get(0).get("amount").asString()).isEqualTo("200.00");
        assertThat(get(tenant.path("/analytics/spend?asOf=" + submittedA), tenant.finance).json().get("items")).isEmpty();
        assertThat(get(tenant.path("/analytics/spend?asOf=" + approvedA), tenant.finance).json()
                .get("items").get(0).get("amount").asString()).isEqualTo("200.00");

        // by time: the moment of the submission, as the history shows it
        String submittedAt = null;
        for (JsonNode entry : get(tenant.path("/requisitions/" + a + "/history"), tenant.requester).json().get("items")) {
            if (entry.get("type").asString().equals("RequisitionSubmitted")) {
                submittedAt = entry.get("at").asString();
            }
        }
        Response byTime = get(tenant.path("/requisitions/" + a + "?asOf=" + submittedAt), tenant.requester);
        assertThat(byTime.json().get("status").asString()).isEqualTo("SUBMITTED");
        assertThat(byTime.header(TimeTravel.HEADER)).isEqualTo(String.valueOf(submittedA));
        assertThat(get(tenant.path("/requisitions/" + a + "?asOf=2000-01-01T00:00:00Z"), tenant.requester).status())
                .isEqualTo(404);
    }

    @Test
    void replayingTheWholeLedgerGivesTheViewsThatServeToday() {
        TestTenant tenant = newTenant();
        UUID approved = tenant.raiseAndSubmit("1300.00");
        assertThat(post(tenant.path("/requisitions/" + approved + "/approve"), tenant.approver, Map.of("comment", "ok"))
                .status()).isEqualTo(200);
        UUID rejected = tenant.raiseAndSubmit("5.00");
        assertThat(post(tenant.path("/requisitions/" + rejected + "/reject"), tenant.approver, Map.of("reason", "no"))
                .status()).isEqualTo(200);
        tenant.raiseAndSubmit("42.00");
        tenant.raise("1.00");

        String head = "999999999";
        for (String view : List.of("/requisitions?size=100", "/requisitions/" + approved, "/requisitions/" + rejected)) {
            JsonNode today = get(tenant.path(view), tenant.approver).json();
            JsonNode replayed = get(tenant.path(view + (view.contains("?") ? "&" : "?") + "asOf=" + head), tenant.approver).json();
            assertThat(replayed).as(view).isEqualTo(today);
        }
        assertThat(get(tenant.path("/approvals/inbox?asOf=" + head), tenant.approver).json())
                .isEqualTo(get(tenant.path("/approvals/inbox"), tenant.approver).json());
        for (String groupBy : List.of("department", "category", "vendor", "month")) {
            String spend = "/analytics/spend?status=SUBMITTED&groupBy=" + groupBy;
            assertThat(get(tenant.path(spend + "&asOf=" + head), tenant.finance).json())
                    .isEqualTo(get(tenant.path(spend), tenant.finance).json());
        }
    }

    @Test
    void manyWholeTenantQuestionsAtOnceAllGetTheRightAnswer() throws Exception {
        // more at once than there are replay schemas: the rest replay into temporary tables, with the same answer
        TestTenant tenant = newTenant();
        for (int i = 0; i < 20; i++) {
            UUID id = tenant.raiseAndSubmit((i + 1) + ".00");
            if (i % 3 == 0) {
                assertThat(post(tenant.path("/requisitions/" + id + "/approve"), tenant.approver, null).status()).isEqualTo(200);
            }
        }
        JsonNode today = get(tenant.path("/requisitions?size=100"), tenant.requester).json();
        JsonNode inbox = get(tenant.path("/approvals/inbox"), tenant.approver).json();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(12);
        try {
            List<java.util.concurrent.Future<JsonNode[]>> answers = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                answers.add(pool.submit(() -> new JsonNode[] {
                        get(tenant.path("/requisitions?size=100&asOf=999999999"), tenant.requester).json(),
                        get(tenant.path("/approvals/inbox?asOf=999999999"), tenant.approver).json()}));
            }
            for (var answer : answers) {
                JsonNode[] pair = answer.get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(pair[0]).isEqualTo(today);
                assertThat(pair[1]).isEqualTo(inbox);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(today.get("total").asLong()).isEqualTo(20);
    }

    @Test
    void anAsOfThatIsNeitherASeqNorATimeIsAProblem() {
        TestTenant tenant = newTenant();
        Response response = get(tenant.path("/requisitions?asOf=yesterday"), tenant.requester);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").asString()).contains("asOf");
    }
}
