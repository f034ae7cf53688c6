package com.procledger.api.http;

import com.procledger.api.HttpTestSupport;
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
        // /error is no resource of the API: asked for directly, by any method, it is not found
        for (String method : List.of("GET", "POST", "PUT", "DELETE")) {
            Response response = send(method, "/error", tenant.requester, null);
            assertProblem(response, 404, "no such resource");
            assertThat(response.body()).doesNotContain("trace", "exception");
        }
    }

    @Test
    void blankOptionsOnAnalyticsAreRefused() {
        for (String query : List.of("groupBy=%20", "status=%20", "groupBy=%09", "status=nope")) {
            assertProblem(get(tenant.path("/analytics/spend?" + query), tenant.finance), 400, "must be one of");
        }
    }

    @Test
    void aMultipartBodyOnAJsonEndpointIsUnsupported() {
        String boundary = "b0undary";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nx\r\n--" + boundary + "--\r\n";
        for (String path : List.of(tenant.path("/requisitions"), "/api/auth/token", tenant.path("/users"))) {
            Response response = send("POST", path, tenant.admin, null, "Content-Type",
                    "multipart/form-data; boundary=" + boundary);
            assertThat(response.status()).as(path).isEqualTo(415);
            assertThat(response.contentType()).startsWith("application/problem+json");
            Response withBody = sendRaw("POST", path, tenant.admin, "multipart/form-data; boundary=" + boundary, body);
            assertThat(withBody.status()).as(path).isEqualTo(415);
        }
    }

    @Test
    void aProjectionNameThatIsNoReadModelIsNotFound() {
        for (String name : List.of("a%20b", "%2e%2e", "x%3Cscript%3E", "requisitions%00")) {
            Response rebuild = post("/api/admin/projections/" + name + "/rebuild", operatorToken, null);
            assertThat(rebuild.status()).as(name + " " + rebuild.body()).isIn(400, 404);
            assertThat(rebuild.contentType()).startsWith("application/problem+json");
            assertThat(get("/api/admin/projections/" + name, operatorToken).status()).as(name).isIn(400, 404);
        }
    }

    @Test
    void requestsTheContainerRefusesAreProblemsWithTheSecurityHeaders() throws Exception {
        for (String request : List.of("GET /api/%ZZ HTTP/1.1", "TRACE /api/tenants HTTP/1.1", "GET /api/tenants/%00 HTTP/1.1")) {
            String answer = raw(request + "\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertThat(answer).as(request).startsWith("HTTP/1.1 4")
                    .containsIgnoringCase("Content-Type: application/problem+json")
                    .containsIgnoringCase("X-Content-Type-Options: nosniff")
                    .containsIgnoringCase("Content-Security-Policy:")
                    .doesNotContainIgnoringCase("<html");
        }
        String nulHeader = raw("GET /api/ledger/public-key HTTP/1.1\r\nHost: localhost\r\nUser-Agent: a\u0000b\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(nulHeader).startsWith("HTTP/1.1 400").containsIgnoringCase("application/problem+json");
    }

    /** What the server answers to bytes sent as they are (no client library would send these). */
    private String raw(String request) throws Exception {
        try (var socket = new java.net.Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    private Response sendRaw(String method, String path, String token, String contentType, String body) {
        try {
            var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + path))
                    .header("Content-Type", contentType).header("Authorization", "Bearer " + token)
                    .method(method, java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
            var response = java.net.http.HttpClient.newHttpClient().send(request,
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
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
