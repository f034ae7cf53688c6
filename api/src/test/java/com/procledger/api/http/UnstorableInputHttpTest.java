package com.procledger.api.http;

import com.procledger.api.HttpTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Values PostgreSQL cannot store (U+0000, lone surrogates, dates beyond its range) are refused at the edge with a
 * 400 naming the field, wherever they come in: JSON bodies, query parameters, times. None reaches the ledger, where
 * it would stop a read model.
 */
class UnstorableInputHttpTest extends HttpTestSupport {

    TestTenant tenant;

    @BeforeEach
    void tenant() {
        tenant = newTenant();
    }

    private static String requisitionJson(String title, String neededBy, String description) {
        return "{\"title\":\"" + title + "\",\"department\":\"Eng\",\"vendor\":\"ACME\",\"currency\":\"EUR\","
                + (neededBy == null ? "" : "\"neededBy\":" + neededBy + ",")
                + "\"lines\":[{\"description\":\"" + description + "\",\"category\":\"IT\",\"quantity\":\"1\",\"unitPrice\":\"1.00\"}]}";
    }

    @Test
    void aNulOrALoneSurrogateInAnyTextOfABodyIsRefusedNamingTheField() {
        assertProblem(post(tenant.path("/requisitions"), tenant.requester, requisitionJson("Lap\\u0000tops", null, "x")),
                "field 'title' contains U+0000");
        assertProblem(post(tenant.path("/requisitions"), tenant.requester, requisitionJson("Laptops", null, "a\\u0000")),
                "field 'lines[0].description' contains U+0000");
        assertProblem(post(tenant.path("/requisitions"), tenant.requester, requisitionJson("\\ud800x", null, "x")),
                "field 'title' contains a lone UTF-16 surrogate");
        assertProblem(send("PUT", tenant.path("/approval-policy"), tenant.admin, "{\"steps\":[{\"name\":\"Man\\u0000ager\","
                + "\"role\":\"APPROVER\",\"minAmount\":\"0\"}]}"), "field 'steps[0].name' contains U+0000");
        assertProblem(post(tenant.path("/users"), tenant.admin, "{\"email\":\"a@b.test\",\"name\":\"N\\u0000\","
                + "\"password\":\"" + PASSWORD + "\",\"roles\":[\"REQUESTER\"]}"), "field 'name' contains U+0000");
        // a properly paired surrogate (an emoji) is a character like any other
        assertThat(post(tenant.path("/requisitions"), tenant.requester,
                requisitionJson("Laptops \\ud83d\\udcbb", null, "x")).status()).isEqualTo(201);
    }

    @Test
    void aDateBeyondWhatPostgresqlStoresIsRefusedNamingTheField() {
        for (String neededBy : List.of("2147483648", "\"+5881580-07-11\"", "\"-0001-01-01\"", "-1000000")) {
            assertProblem(post(tenant.path("/requisitions"), tenant.requester, requisitionJson("Laptops", neededBy, "x")),
                    "field 'neededBy' must lie between the years 1 and 9999");
        }
        assertProblem(post(tenant.path("/requisitions"), tenant.requester, requisitionJson("Laptops", "\"10000-01-01\"", "x")),
                "field 'neededBy'");
        assertThat(post(tenant.path("/requisitions"), tenant.requester, requisitionJson("Laptops", "\"9999-12-31\"", "x"))
                .status()).isEqualTo(201);
        String compliance = tenant.addUser("compliance", List.of("COMPLIANCE"));
        assertProblem(post(tenant.path("/investigations"), compliance, "{\"from\":\"+1000000000-01-01T00:00:00Z\","
                + "\"to\":\"2026-01-01T00:00:00Z\"}"), "field 'from' must lie between");
    }

    @Test
    void aNulInAnyQueryParameterIsRefusedNamingIt() {
        String finance = tenant.finance;
        String compliance = tenant.addUser("compliance", List.of("COMPLIANCE"));
        for (var probe : List.of(
                Map.entry(tenant.path("/requisitions?department=a%00b"), tenant.requester),
                Map.entry(tenant.path("/requisitions?status=%00"), tenant.requester),
                Map.entry(tenant.path("/exports/requisitions.csv?department=%00"), finance),
                Map.entry(tenant.path("/exports/spend.csv?vendor=%00"), finance),
                Map.entry(tenant.path("/analytics/spend?groupBy=vendor&category=x%00"), finance),
                Map.entry(tenant.path("/access-events?actor=%00"), compliance),
                Map.entry(tenant.path("/access-events?action=a%00"), compliance))) {
            Response response = get(probe.getKey(), probe.getValue());
            assertProblem(response, "contains U+0000");
            assertThat(response.json().get("detail").asString()).as(probe.getKey()).startsWith("query parameter '");
        }
    }

    @Test
    void extremeTimesInQueryParametersAreRefused() {
        String compliance = tenant.addUser("compliance", List.of("COMPLIANCE"));
        String far = "%2B1000000000-01-01T00:00:00Z";
        for (var probe : List.of(
                Map.entry(tenant.path("/requisitions?asOf=" + far), tenant.requester),
                Map.entry(tenant.path("/approvals/inbox?asOf=" + far), tenant.approver),
                Map.entry(tenant.path("/analytics/spend?from=" + far), tenant.finance),
                Map.entry(tenant.path("/analytics/cycle-times?to=" + far), tenant.finance),
                Map.entry(tenant.path("/exports/spend.csv?to=" + far), tenant.finance),
                Map.entry(tenant.path("/access-events?from=" + far), compliance),
                Map.entry(tenant.path("/access-events?to=-5000-01-01T00:00:00Z"), compliance))) {
            Response response = get(probe.getKey(), probe.getValue());
            assertThat(response.status()).as(probe.getKey() + " " + response.body()).isEqualTo(400);
            assertThat(response.contentType()).startsWith("application/problem+json");
        }
    }

    private static void assertProblem(Response response, String detailContains) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").asString()).contains(detailContains);
        assertThat(response.body()).doesNotContain("Exception", "com.procledger", "java.", "SQL", "\tat ");
    }
}
