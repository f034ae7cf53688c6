package com.procledger.api.requisition;

import com.procledger.api.HttpTestSupport;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** One person decides at most one step, nothing is approved without an approval, and an API key is its creator. */
class SeparationOfDutiesHttpTest extends HttpTestSupport {

    private static final List<Map<String, String>> TWO_STEPS = List.of(
            Map.of("name", "Manager", "role", "APPROVER", "minAmount", "0"),
            Map.of("name", "Finance", "role", "FINANCE", "minAmount", "1000"));

    @Test
    void aPersonHoldingBothRolesDecidesOnlyOneStepOfARequisition() {
        TestTenant tenant = newTenant();
        assertThat(send("PUT", tenant.path("/approval-policy"), tenant.admin, Map.of("steps", TWO_STEPS)).status())
                .isEqualTo(200);
        String both = tenant.addUser("both", List.of("APPROVER", "FINANCE"));
        UUID id = tenant.raiseAndSubmit("900.00");

        assertThat(post(tenant.path("/requisitions/" + id + "/approve"), both, null).status()).isEqualTo(200);
        Response second = post(tenant.path("/requisitions/" + id + "/approve"), both, null);
        assertThat(second.status()).as(second.body()).isEqualTo(403);
        assertThat(second.json().get("detail").asString()).contains("at most one step");
        assertThat(post(tenant.path("/requisitions/" + id + "/reject"), both, Map.of("reason", "no")).status())
                .isEqualTo(403);
        // the FINANCE step is not in their inbox either: they cannot decide it
        assertThat(get(tenant.path("/requisitions/" + id), both).json().get("status").asString()).isEqualTo("SUBMITTED");

        Response finance = post(tenant.path("/requisitions/" + id + "/approve"), tenant.finance, null);
        assertThat(finance.status()).as(finance.body()).isEqualTo(200);
        assertThat(finance.json().get("status").asString()).isEqualTo("APPROVED");
    }

    @Test
    void aPolicyThatLeavesAnyAmountWithoutAStepIsRefused() {
        TestTenant tenant = newTenant();
        Response gap = send("PUT", tenant.path("/approval-policy"), tenant.admin, Map.of("steps", List.of(
                Map.of("name", "Manager", "role", "APPROVER", "minAmount", "999999999999"))));
        assertThat(gap.status()).as(gap.body()).isEqualTo(400);
        assertThat(gap.contentType()).startsWith("application/problem+json");
        assertThat(gap.json().get("detail").asString()).contains("minAmount of 0");

        // the policy in force is unchanged, and a large requisition still needs its approval
        UUID id = tenant.raiseAndSubmit("45000.00");
        assertThat(get(tenant.path("/requisitions/" + id), tenant.requester).json().get("status").asString())
                .isEqualTo("SUBMITTED");
    }

    @Test
    void aDecisionMadeWithAnApiKeyCountsAsItsCreators() {
        TestTenant tenant = newTenant();
        assertThat(send("PUT", tenant.path("/approval-policy"), tenant.admin, Map.of("steps", TWO_STEPS)).status())
                .isEqualTo(200);
        String boss = tenant.addUser("boss", List.of("TENANT_ADMIN", "APPROVER", "REQUESTER"));
        Response created = post(tenant.path("/api-keys"), boss,
                Map.of("name", "robot", "roles", List.of("FINANCE", "APPROVER", "REQUESTER"), "validDays", 1));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String key = created.json().get("key").asString();

        // the boss approves the first step in person, then tries the second with the key
        UUID id = tenant.raiseAndSubmit("900.00");
        assertThat(post(tenant.path("/requisitions/" + id + "/approve"), boss, null).status()).isEqualTo(200);
        Response withKey = send("POST", tenant.path("/requisitions/" + id + "/approve"), null, null, "X-Api-Key", key);
        assertThat(withKey.status()).as(withKey.body()).isEqualTo(403);

        // a requisition the key raised is the boss's own: neither the boss nor the key may decide it
        Response raised = send("POST", tenant.path("/requisitions"), null, requisition("10.00"), "X-Api-Key", key);
        assertThat(raised.status()).as(raised.body()).isEqualTo(201);
        String own = raised.json().get("id").asString();
        assertThat(post(tenant.path("/requisitions/" + own + "/submit"), boss, null).status()).isEqualTo(200);
        assertThat(post(tenant.path("/requisitions/" + own + "/approve"), boss, null).status()).isEqualTo(403);
        assertThat(send("POST", tenant.path("/requisitions/" + own + "/approve"), null, null, "X-Api-Key", key).status())
                .isEqualTo(403);
        assertThat(post(tenant.path("/requisitions/" + own + "/approve"), tenant.approver, null).status()).isEqualTo(200);
    }
}
