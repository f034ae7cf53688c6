package com.procledger.api.tenant;

import com.procledger.api.HttpTestSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** "Why was this routed to X?": the history names the policy version in force, and every version is kept. */
class PolicyInForceHttpTest extends HttpTestSupport {

    private static Map<String, String> submittedChanges(Response history) {
        for (JsonNode entry : history.json().get("items")) {
            if (entry.get("type").asString().equals("RequisitionSubmitted")) {
                var changes = new java.util.HashMap<String, String>();
                entry.get("changes").forEach(c -> changes.put(c.get("field").asString(), c.get("to").asString()));
                return changes;
            }
        }
        throw new AssertionError("no submission in " + history.body());
    }

    @Test
    void theHistoryNamesThePolicyVersionInForceAndThatVersionCanBeRead() {
        TestTenant tenant = newTenant();
        UUID underFirst = tenant.raiseAndSubmit("1300.00");
        Response changed = send("PUT", tenant.path("/approval-policy"), tenant.admin, Map.of("steps", List.of(
                Map.of("name", "Manager", "role", "APPROVER", "minAmount", "0"),
                Map.of("name", "Finance", "role", "FINANCE", "minAmount", "1000.00"))));
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        UUID underSecond = tenant.raiseAndSubmit("1300.00");

        Map<String, String> first = submittedChanges(get(tenant.path("/requisitions/" + underFirst + "/history"), tenant.requester));
        Map<String, String> second = submittedChanges(get(tenant.path("/requisitions/" + underSecond + "/history"), tenant.requester));
        assertThat(first).containsEntry("policyVersion", "1").containsEntry("route", "Approval");
        assertThat(second).containsEntry("policyVersion", "2").containsEntry("route", "Manager > Finance");

        Response versions = get(tenant.path("/approval-policy/versions"), tenant.requester);
        assertThat(versions.status()).as(versions.body()).isEqualTo(200);
        List<JsonNode> items = new ArrayList<>();
        versions.json().get("items").forEach(items::add);
        assertThat(items).extracting(v -> v.get("version").asInt()).containsExactly(1, 2);
        assertThat(items.get(0).get("steps")).hasSize(1);
        assertThat(items.get(1).get("steps").get(1).get("name").asString()).isEqualTo("Finance");
        assertThat(items.get(1).get("steps").get(1).get("minAmount").asString()).isIn("1000.00", "1000.0", "1E+3", "1000");
        assertThat(items.get(1).get("changedBy").asString()).isEqualTo(claim(tenant.admin, "sub"));

        // each version is an event of the ledger, at the ledger_seq the answer gives
        String compliance = tenant.addUser("compliance", List.of("COMPLIANCE"));
        for (JsonNode version : items) {
            long seq = version.get("ledgerSeq").asLong();
            JsonNode event = JSON.readTree(get(tenant.path("/ledger/events?fromSeq=" + seq + "&limit=1"), compliance).body());
            assertThat(event.get("eventType").asString()).endsWith("ApprovalPolicyChanged");
            assertThat(JSON.readTree(event.get("payload").asString()).get("version").asInt())
                    .isEqualTo(version.get("version").asInt());
        }
        assertThat(get(newTenant().path("/approval-policy/versions"), tenant.requester).status()).isEqualTo(404);
    }
}
