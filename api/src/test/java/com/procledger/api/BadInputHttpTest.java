package com.procledger.api;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input gets a 4xx problem+json that says what is wrong, never a 500 and never our internals. */
class BadInputHttpTest extends HttpTestSupport {

    TestTenant tenant;

    @BeforeEach
    void tenant() {
        tenant = newTenant();
    }

    @Test
    void malformedJson() {
        assertProblem(post(tenant.path("/requisitions"), tenant.requester, "{\"title\": \"Laptops\""), 400, "malformed JSON");
    }

    @Test
    void unknownFields() {
        var body = new java.util.HashMap<>(requisition("1.00"));
        body.put("approvedBy", "me");
        assertProblem(post(tenant.path("/requisitions"), tenant.requester, body), 400, "unknown field 'approvedBy'");
    }

    @Test
    void zeroOrNegativeQuantities() {
        assertProblem(post(tenant.path("/requisitions"), tenant.requester, withLine("0", "1.00")), 400, "lines[0].quantity");
        assertProblem(post(tenant.path("/requisitions"), tenant.requester, withLine("-3", "1.00")), 400, "lines[0].quantity");
        assertProblem(post(tenant.path("/requisitions"), tenant.requester, withLine("1", "-1.00")), 400, "lines[0].unitPrice");
    }

    @Test
    void absurdAmounts() {
        assertProblem(post(tenant.path("/requisitions"), tenant.requester, withLine("1", "1e30")), 400, "unitPrice");
        assertProblem(post(tenant.path("/requisitions"), tenant.requester, withLine("1e12", "1")), 400, "quantity");
        assertProblem(post(tenant.path("/requisitions"), tenant.requester, withLine("1", "0.0000001")), 400, "decimals");
        assertProblem(post(tenant.path("/requisitions"), tenant.requester, withLine("many", "1")), 400, "lines[0].quantity");
    }

    @Test
    void unknownCurrencies() {
        var body = new java.util.HashMap<>(requisition("1.00"));
        body.put("currency", "XYZ");
        assertProblem(post(tenant.path("/requisitions"), tenant.requester, body), 400, "unknown currency 'XYZ'");
        body.put("currency", "euro");
        assertProblem(post(tenant.path("/requisitions"), tenant.requester, body), 400, "currency");
        body.put("currency", "USD");
        assertProblem(post(tenant.path("/requisitions"), tenant.requester, body), 400, "in EUR, not USD");
    }

    @Test
    void missingFieldsAreNamed() {
        Response response = post(tenant.path("/requisitions"), tenant.requester, Map.of("title", "x"));
        assertProblem(response, 400, "department");
        assertThat(response.json().get("errors").toString()).contains("vendor", "currency", "lines");
    }

    @Test
    void aTenMegabyteBody() {
        String huge = "{\"title\":\"" + "a".repeat(10 * 1024 * 1024) + "\"}";
        assertProblem(post(tenant.path("/requisitions"), tenant.requester, huge), 413, "larger than");
    }

    @Test
    void aWrongContentType() {
        Response response = send("POST", tenant.path("/requisitions"), tenant.requester, null,
                "Content-Type", "text/plain");
        assertThat(response.status()).isEqualTo(415);
        assertThat(response.contentType()).startsWith("application/problem+json");
    }

    @Test
    void badPathsAndMethods() {
        assertProblem(get(tenant.path("/requisitions/not-a-uuid"), tenant.requester), 400, "'id'");
        assertProblem(get("/api/no-such-thing", tenant.requester), 404, "");
        assertThat(send("DELETE", tenant.path("/requisitions"), tenant.requester, null).status()).isEqualTo(405);
    }

    @Test
    void errorsOutsideControllersAreProblemsToo() {
        Response response = get("/error", tenant.requester);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body()).doesNotContain("trace", "exception");
    }

    @Test
    void badPolicies() {
        assertProblem(send("PUT", tenant.path("/approval-policy"), tenant.admin, Map.of("steps", List.of())), 400, "steps");
        assertProblem(send("PUT", tenant.path("/approval-policy"), tenant.admin, Map.of("steps", List.of(
                Map.of("name", "A", "role", "APPROVER", "minAmount", "0"),
                Map.of("name", "A", "role", "FINANCE", "minAmount", "10")))), 400, "unique");
        assertProblem(send("PUT", tenant.path("/approval-policy"), tenant.admin, Map.of("steps", List.of(
                Map.of("name", "A", "role", "CEO", "minAmount", "0")))), 400, "role");
    }

    private static Map<String, Object> withLine(String quantity, String unitPrice) {
        return Map.of("title", "Laptops", "department", "Engineering", "vendor", "ACME", "currency", "EUR",
                "lines", List.of(Map.of("description", "Laptop", "category", "IT", "quantity", quantity, "unitPrice", unitPrice)));
    }

    private static void assertProblem(Response response, int status, String detailContains) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").asString()).contains(detailContains);
        assertThat(response.body()).doesNotContain("Exception", "com.procledger", "org.", "java.", "SQL", "\tat ");
    }
}
