package com.procledger.api.requisition;

import com.procledger.api.HttpTestSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class RequisitionLifecycleHttpTest extends HttpTestSupport {

    @Test
    void aRequisitionGoesThroughATwoStepPolicyAndEveryStepIsInItsHistory() {
        TestTenant tenant = newTenant();
        Response policy = send("PUT", tenant.path("/approval-policy"), tenant.admin, Map.of("steps", List.of(
                Map.of("name", "Manager", "role", "APPROVER", "minAmount", "0"),
                Map.of("name", "Finance", "role", "FINANCE", "minAmount", "1000.00"))));
        assertThat(policy.status()).as(policy.body()).isEqualTo(200);
        assertThat(policy.json().get("version").asInt()).isEqualTo(2);

        Response raised = post(tenant.path("/requisitions"), tenant.requester, Map.of("title", "Laptops",
                "department", "Engineering", "vendor", "ACME", "currency", "EUR", "justification", "new hires",
                "neededBy", "2027-01-15", "lines", List.of(
                        Map.of("description", "Laptop", "category", "IT", "quantity", "2", "unitPrice", "650.00"),
                        Map.of("description", "Cable", "category", "IT", "quantity", 3, "unitPrice", 0.125))));
        assertThat(raised.status()).as(raised.body()).isEqualTo(201);
        String id = raised.json().get("id").asString();
        assertThat(raised.header("Location")).isEqualTo(tenant.path("/requisitions/" + id));
        assertThat(raised.header("ETag")).isEqualTo("\"0\"");

        // read-your-writes: the detail is there as soon as the 201 is
        Response draft = get(tenant.path("/requisitions/" + id), tenant.requester);
        assertThat(draft.status()).isEqualTo(200);
        assertThat(draft.json().get("status").asString()).isEqualTo("DRAFT");
        assertThat(draft.json().get("total").asString()).isEqualTo("1300.38");
        assertThat(draft.json().get("lines").get(1).get("total").asString()).isEqualTo("0.38");

        Response submitted = post(tenant.path("/requisitions/" + id + "/submit"), tenant.requester, null, "If-Match", "\"0\"");
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(200);
        assertThat(submitted.json().get("status").asString()).isEqualTo("SUBMITTED");
        assertThat(submitted.json().get("policyVersion").asInt()).isEqualTo(2);
        assertThat(submitted.json().get("pendingStep").get("name").asString()).isEqualTo("Manager");
        assertThat(submitted.header("ETag")).isEqualTo("\"1\"");

        assertThat(inboxIds(tenant.approver)).contains(id);
        assertThat(inboxIds(tenant.finance)).doesNotContain(id);
        assertThat(inboxIds(tenant.requester)).doesNotContain(id);

        Response managerApproved = post(tenant.path("/requisitions/" + id + "/approve"), tenant.approver,
                Map.of("comment", "fine"));
        assertThat(managerApproved.status()).as(managerApproved.body()).isEqualTo(200);
        assertThat(managerApproved.json().get("status").asString()).isEqualTo("SUBMITTED");
        assertThat(managerApproved.json().get("pendingStep").get("role").asString()).isEqualTo("FINANCE");
        assertThat(inboxIds(tenant.approver)).doesNotContain(id);
        assertThat(inboxIds(tenant.finance)).contains(id);

        // an approver without the pending step's role may not decide
        Response wrongRole = post(tenant.path("/requisitions/" + id + "/approve"), tenant.secondApprover, null);
        assertThat(wrongRole.status()).isEqualTo(403);

        Response approved = post(tenant.path("/requisitions/" + id + "/approve"), tenant.finance, null);
        assertThat(approved.status()).as(approved.body()).isEqualTo(200);
        assertThat(approved.json().get("status").asString()).isEqualTo("APPROVED");
        assertThat(approved.json().get("approvals")).hasSize(2);
        assertThat(inboxIds(tenant.finance)).doesNotContain(id);

        Response history = get(tenant.path("/requisitions/" + id + "/history"), tenant.finance);
        assertThat(history.status()).isEqualTo(200);
        List<String> types = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        history.json().get("items").forEach(item -> {
            types.add(item.get("type").asString());
            seqs.add(item.get("ledgerSeq").asLong());
        });
        assertThat(types).containsExactly("RequisitionRaised", "RequisitionSubmitted", "ApprovalStepApproved",
                "ApprovalStepApproved", "RequisitionApproved");
        assertThat(seqs).isSorted().doesNotHaveDuplicates();
        JsonNode submittedEntry = history.json().get("items").get(1);
        assertThat(change(submittedEntry, "status")).isEqualTo("DRAFT -> SUBMITTED");
        assertThat(change(submittedEntry, "pendingStep")).isEqualTo("null -> Manager");
        assertThat(change(history.json().get("items").get(2), "pendingStep")).isEqualTo("Manager -> Finance");
        assertThat(change(history.json().get("items").get(4), "status")).isEqualTo("SUBMITTED -> APPROVED");

        // finished: nothing more may happen to it
        assertThat(post(tenant.path("/requisitions/" + id + "/cancel"), tenant.requester, null).status()).isEqualTo(409);
        assertThat(post(tenant.path("/requisitions/" + id + "/reject"), tenant.finance, Map.of("reason", "late")).status())
                .isEqualTo(409);
    }

    @Test
    void rejectionNeedsAReasonAndEndsTheRequisition() {
        TestTenant tenant = newTenant();
        UUID id = tenant.raiseAndSubmit("10.00");
        assertThat(post(tenant.path("/requisitions/" + id + "/reject"), tenant.approver, Map.of()).status()).isEqualTo(400);
        Response rejected = post(tenant.path("/requisitions/" + id + "/reject"), tenant.approver, Map.of("reason", "too pricey"));
        assertThat(rejected.status()).as(rejected.body()).isEqualTo(200);
        assertThat(rejected.json().get("status").asString()).isEqualTo("REJECTED");
        assertThat(rejected.json().get("decisionReason").asString()).isEqualTo("too pricey");
        assertThat(post(tenant.path("/requisitions/" + id + "/approve"), tenant.secondApprover, null).status()).isEqualTo(409);
    }

    @Test
    void onlyTheRequesterSubmitsOrCancelsAndNeverApprovesTheirOwn() {
        TestTenant tenant = newTenant();
        UUID id = tenant.raise("10.00");
        assertThat(post(tenant.path("/requisitions/" + id + "/submit"), tenant.approver, null).status()).isEqualTo(403);
        assertThat(post(tenant.path("/requisitions/" + id + "/submit"), tenant.requester, null).status()).isEqualTo(200);
        assertThat(post(tenant.path("/requisitions/" + id + "/submit"), tenant.requester, null).status()).isEqualTo(409);

        String requestingApprover = tenant.addUser("both", List.of("REQUESTER", "APPROVER"));
        Response own = post(tenant.path("/requisitions"), requestingApprover, requisition("5.00"));
        String ownId = own.json().get("id").asString();
        post(tenant.path("/requisitions/" + ownId + "/submit"), requestingApprover, null);
        assertThat(inboxIds(requestingApprover)).doesNotContain(ownId).contains(id.toString());
        Response selfApproval = post(tenant.path("/requisitions/" + ownId + "/approve"), requestingApprover, null);
        assertThat(selfApproval.status()).isEqualTo(403);
        assertThat(selfApproval.json().get("detail").asString()).contains("own requisition");

        assertThat(post(tenant.path("/requisitions/" + id + "/cancel"), tenant.approver, null).status()).isEqualTo(403);
        Response cancelled = post(tenant.path("/requisitions/" + id + "/cancel"), tenant.requester, Map.of("reason", "not needed"));
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.json().get("status").asString()).isEqualTo("CANCELLED");
    }

    @Test
    void ifMatchWithAStaleVersionIsRefusedAndIfNoneMatchSavesTheBody() {
        TestTenant tenant = newTenant();
        UUID id = tenant.raise("10.00");
        String path = tenant.path("/requisitions/" + id);
        assertThat(post(path + "/submit", tenant.requester, null, "If-Match", "\"5\"").status()).isEqualTo(412);
        assertThat(get(path, tenant.requester).json().get("status").asString()).isEqualTo("DRAFT");
        assertThat(post(path + "/submit", tenant.requester, null, "If-Match", "garbage").status()).isEqualTo(400);

        Response current = get(path, tenant.requester);
        assertThat(get(path, tenant.requester, "If-None-Match", current.header("ETag")).status()).isEqualTo(304);
        post(path + "/submit", tenant.requester, null, "If-Match", current.header("ETag"));
        assertThat(get(path, tenant.requester, "If-None-Match", current.header("ETag")).status()).isEqualTo(200);
    }

    @Test
    void aRepeatedIdempotencyKeyReturnsTheFirstAnswerAndChangesNothing() {
        TestTenant tenant = newTenant();
        var body = requisition("99.00");
        Response first = post(tenant.path("/requisitions"), tenant.requester, body, "Idempotency-Key", "order-42");
        Response again = post(tenant.path("/requisitions"), tenant.requester, body, "Idempotency-Key", "order-42");
        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.header("Location")).isEqualTo(first.header("Location"));
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(get(tenant.path("/requisitions"), tenant.requester).json().get("total").asLong()).isEqualTo(1);

        Response otherBody = post(tenant.path("/requisitions"), tenant.requester, requisition("1.00"),
                "Idempotency-Key", "order-42");
        assertThat(otherBody.status()).isEqualTo(422);
        assertThat(otherBody.contentType()).startsWith("application/problem+json");

        // a state change replayed: still approved once, still 200
        UUID id = tenant.raiseAndSubmit("10.00");
        String approve = tenant.path("/requisitions/" + id + "/approve");
        Response approved = post(approve, tenant.approver, null, "Idempotency-Key", "approve-1");
        Response replayed = post(approve, tenant.approver, null, "Idempotency-Key", "approve-1");
        assertThat(approved.status()).isEqualTo(200);
        assertThat(replayed.status()).isEqualTo(200);
        assertThat(replayed.body()).isEqualTo(approved.body());
        assertThat(get(tenant.path("/requisitions/" + id + "/history"), tenant.approver).json().get("items")).hasSize(4);
    }

    @Test
    void theListFiltersByStatusAndDepartmentAndPages() {
        TestTenant tenant = newTenant();
        for (int i = 0; i < 5; i++) {
            tenant.raise("1.00");
        }
        UUID submitted = tenant.raiseAndSubmit("2.00");
        Response page = get(tenant.path("/requisitions?page=1&size=2"), tenant.approver);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.json().get("total").asLong()).isEqualTo(6);
        assertThat(page.json().get("items")).hasSize(2);
        assertThat(page.json().get("page").asInt()).isEqualTo(1);
        Response onlySubmitted = get(tenant.path("/requisitions?status=SUBMITTED"), tenant.approver);
        assertThat(onlySubmitted.json().get("items")).singleElement()
                .satisfies(item -> assertThat(item.get("id").asString()).isEqualTo(submitted.toString()));
        assertThat(get(tenant.path("/requisitions?department=Sales"), tenant.approver).json().get("total").asLong()).isZero();
        assertThat(get(tenant.path("/requisitions?size=0"), tenant.approver).status()).isEqualTo(400);
        assertThat(get(tenant.path("/requisitions?status=UNKNOWN"), tenant.approver).status()).isEqualTo(400);
    }

    @Test
    void aPolicyStepAboveTheTotalDoesNotApply() {
        TestTenant tenant = newTenant();
        assertThat(send("PUT", tenant.path("/approval-policy"), tenant.admin, Map.of("steps", List.of(
                Map.of("name", "Manager", "role", "APPROVER", "minAmount", "0"),
                Map.of("name", "Finance", "role", "FINANCE", "minAmount", "500")))).status()).isEqualTo(200);
        UUID id = tenant.raiseAndSubmit("10.00");
        Response detail = get(tenant.path("/requisitions/" + id), tenant.requester);
        assertThat(detail.json().get("status").asString()).isEqualTo("SUBMITTED");
        assertThat(detail.json().get("route")).hasSize(1);
        assertThat(detail.json().get("route").get(0).get("name").asString()).isEqualTo("Manager");
    }

    private List<String> inboxIds(String token) {
        List<String> ids = new ArrayList<>();
        Response inbox = get("/api/tenants/" + tenantOf(token) + "/approvals/inbox", token);
        assertThat(inbox.status()).as(inbox.body()).isEqualTo(200);
        inbox.json().get("items").forEach(item -> ids.add(item.get("requisitionId").asString()));
        return ids;
    }

    private static String tenantOf(String token) {
        String payload = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        return JSON.readTree(payload).get("tenant").asString();
    }

    private static String change(JsonNode entry, String field) {
        for (JsonNode change : entry.get("changes")) {
            if (change.get("field").asString().equals(field)) {
                return change.get("from").asString("null") + " -> " + change.get("to").asString("null");
            }
        }
        return null;
    }
}
