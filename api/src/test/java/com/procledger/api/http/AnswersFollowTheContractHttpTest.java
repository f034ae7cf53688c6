package com.procledger.api.http;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.procledger.api.HttpTestSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the service answers is what the contract says: for each answer of a walk through the API (the lifecycle,
 * reads of every kind, errors), its status is documented for the operation, its media type for that status, and a
 * JSON body validates against the documented schema (JSON Schema 2020-12, as OpenAPI 3.1 defines it) — nulls,
 * enums, decimal patterns and formats included.
 */
class AnswersFollowTheContractHttpTest extends HttpTestSupport {

    private static final String DOCUMENT = "https://procledger.local/openapi.json";
    /** The headers the contract speaks of: when an answer sends one, its documented response declares it. */
    private static final List<String> CONTRACT_HEADERS = List.of("Location", "ETag", "Retry-After", "X-Expected-Rows",
            "X-Ledger-As-Of", "Content-Disposition", "Key-Id", "Preference-Applied", "Idempotent-Replayed");

    private final JsonNode contract = JSON.readTree(read());
    private final SchemaRegistry schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemas(Map.of(DOCUMENT, read())));
    private final List<String> problems = new ArrayList<>();
    private int checked;

    private static String read() {
        try {
            return Files.readString(OpenApiDocumentHttpTest.CONTRACT);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Response check(String method, String path, String token) {
        return check(method, path, token, null);
    }

    private Response check(String method, String path, String token, Object body, String... headers) {
        Response answer = send(method, path, token, body, headers);
        String template = contract.get("paths").propertyNames().stream().filter(t -> matches(t, path.split("\\?")[0]))
                .findFirst().orElse(null);
        JsonNode operation = template == null ? null : contract.get("paths").get(template).get(method.toLowerCase());
        String name = method + " " + path + " " + answer.status();
        if (operation == null) {
            problems.add(name + ": no such operation in the contract");
            return answer;
        }
        JsonNode response = operation.path("responses").get(String.valueOf(answer.status()));
        if (response == null) {
            problems.add(name + ": status not documented");
            return answer;
        }
        if (response.has("$ref")) {
            response = contract.at(response.get("$ref").asString().substring(1));
        }
        for (String header : CONTRACT_HEADERS) {
            if (answer.header(header) != null && !response.path("headers").has(header)) {
                problems.add(name + ": header " + header + " sent but not documented");
            }
        }
        String type = answer.contentType() == null ? "" : answer.contentType().split(";")[0];
        JsonNode content = response.path("content");
        checked++;
        if (content.isEmpty()) {
            if (!answer.body().isEmpty()) {
                problems.add(name + ": a body where none is documented");
            }
            return answer;
        }
        if (!content.has(type)) {
            problems.add(name + ": " + type + " is not among " + content.propertyNames());
            return answer;
        }
        if (type.equals("application/json") || type.equals("application/problem+json")) {
            JsonNode schema = content.get(type).get("schema");
            String pointer = schema.has("$ref") ? schema.get("$ref").asString()
                    : "#/paths/" + template.replace("~", "~0").replace("/", "~1") + "/" + method.toLowerCase()
                    + "/responses/" + answer.status() + "/content/" + type.replace("/", "~1") + "/schema";
            Schema validator = schemas.getSchema(SchemaLocation.of(DOCUMENT + pointer));
            validator.validate(answer.json()).stream().limit(3)
                    .forEach(error -> problems.add(name + ": " + error.getInstanceLocation() + " " + error.getMessage()));
        }
        return answer;
    }

    private static boolean matches(String template, String path) {
        String[] t = template.split("/");
        String[] p = path.split("/");
        if (t.length != p.length) {
            return false;
        }
        for (int i = 0; i < t.length; i++) {
            if (!t[i].startsWith("{") && !t[i].equals(p[i])) {
                return false;
            }
        }
        return true;
    }

    @Test
    void everyAnswerOfAWalkThroughTheApiIsDocumentedAndValidatesAgainstItsSchema() {
        signInOperator();
        TestTenant tenant = newTenant();
        String compliance = tenant.addUser("compliance", List.of("COMPLIANCE"));
        String analyst = tenant.addUser("analyst", List.of("ANALYST"));
        String t = tenant.path("");

        Response raised = check("POST", t + "/requisitions", tenant.requester, Map.of("title", "Desks", "department", "Ops",
                "vendor", "ACME", "currency", "EUR", "lines", List.of(line("furniture", "3", "199.995"))));
        String r = t + "/requisitions/" + raised.json().get("id").asString();
        check("GET", r, tenant.requester);
        check("GET", r, tenant.requester, null, "If-None-Match", raised.header("ETag"));
        check("POST", r + "/submit", tenant.requester, null, "If-Match", "\"7\"");
        check("POST", r + "/submit", tenant.requester, null);
        check("GET", t + "/approvals/inbox", tenant.approver);
        check("POST", r + "/approve", tenant.approver, Map.of("comment", "fine"));
        check("POST", r + "/approve", tenant.approver, Map.of());
        check("POST", r + "/cancel", tenant.requester, Map.of());
        check("GET", r + "/history", tenant.requester);
        check("GET", t + "/requisitions", tenant.requester);
        check("GET", t + "/requisitions?asOf=1", tenant.requester);
        check("GET", t + "/requisitions/" + UUID.randomUUID(), tenant.requester);
        check("GET", t + "/requisitions?page=x", tenant.requester);
        check("POST", t + "/requisitions", tenant.requester, "not json");
        check("GET", t + "/requisitions", null);
        check("GET", t + "/requisitions", tenant.requester, null, "Accept", "text/html");

        check("GET", t, tenant.admin);
        check("GET", t + "/users", tenant.admin);
        String key = "walk-" + UUID.randomUUID();
        Map<String, Object> user = Map.of("email", "walk-" + key + "@example.test", "name", "Walk", "password", PASSWORD,
                "roles", List.of("ANALYST"));
        check("POST", t + "/users", tenant.admin, user, "Idempotency-Key", key);
        check("POST", t + "/users", tenant.admin, user, "Idempotency-Key", key); // the kept answer, replayed
        check("GET", t + "/users", tenant.requester);
        check("GET", t + "/approval-policy/versions", tenant.admin);
        check("PUT", t + "/approval-policy", tenant.admin,
                Map.of("steps", List.of(Map.of("name", "one", "role", "APPROVER", "minAmount", "0"))));
        check("PUT", t + "/security-policy", tenant.admin,
                Map.of("mfaForEveryone", false, "mfaRoles", List.of(), "idleTimeoutMinutes", 30));
        check("POST", t + "/api-keys", tenant.admin, Map.of("name", "ERP", "roles", List.of("REQUESTER"), "validDays", 3));
        check("GET", t + "/api-keys", tenant.admin);
        check("PUT", t + "/secrets/erp", tenant.admin, Map.of("value", "s3cret"));
        check("GET", t + "/secrets", tenant.admin);

        check("GET", t + "/access-events", compliance);
        check("GET", t + "/ledger/verify", compliance);
        check("POST", t + "/ledger/checkpoints", compliance);
        check("GET", t + "/ledger/checkpoints", compliance);
        check("GET", t + "/ledger/checkpoints/latest", compliance);
        check("GET", t + "/ledger/events", compliance);
        check("GET", "/api/ledger/keys", null);
        check("GET", "/api/ledger/public-key", null);
        check("POST", t + "/investigations", compliance,
                Map.of("from", "2020-01-01T00:00:00Z", "to", "2100-01-01T00:00:00Z"));
        check("POST", t + "/investigations", compliance,
                Map.of("from", "2020-01-01T00:00:00Z", "to", "2100-01-01T00:00:00Z"), "Prefer", "respond-async");

        check("GET", t + "/analytics/spend", tenant.finance);
        check("GET", t + "/analytics/spend?groupBy=nope", tenant.finance);
        check("GET", t + "/analytics/cycle-times", tenant.finance);
        check("GET", t + "/analytics/approver-workload", analyst);
        check("GET", t + "/exports/requisitions.csv", tenant.finance);
        check("GET", t + "/exports/spend.ndjson", tenant.finance);

        check("GET", "/api/me/consents", tenant.requester);
        check("PUT", "/api/me/consents", tenant.requester, Map.of("aiProcessing", true));
        check("GET", "/api/me/personal-data", tenant.requester);
        check("POST", "/api/me/mfa/totp/confirm", tenant.approver, Map.of("code", "123456")); // not begun: 409
        check("POST", "/api/me/mfa/totp", tenant.finance);
        check("GET", "/api/admin/dead-letters", operatorToken);
        check("GET", "/api/admin/projections/requisitions", operatorToken);
        check("POST", "/api/auth/token", null, Map.of("email", "nobody@example.test", "password", "wrong-password"));

        assertThat(problems).isEmpty();
        assertThat(checked).isGreaterThanOrEqualTo(50);
    }
}
