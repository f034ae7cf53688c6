package com.procledger.api.access;

import com.procledger.api.HttpTestSupport;
import com.procledger.api.access.AccessActions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Walks the access matrix of docs/security.md over HTTP: every endpoint, as every role, must answer the status the
 * table says. The table is read from the document itself, so that what we publish is what runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessMatrixHttpTest extends HttpTestSupport {

    static final Path SECURITY_DOC = Path.of("../docs/security.md");

    record Row(String method, String path, Map<String, Integer> expected) {
        String endpoint() {
            return method + " " + path;
        }
    }

    static List<Row> matrix() throws IOException {
        List<String> lines = Files.readAllLines(SECURITY_DOC);
        int start = lines.indexOf("## Access matrix");
        assertThat(start).as("docs/security.md has an access matrix").isNotNegative();
        List<String> header = null;
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(start, lines.size())) {
            if (line.startsWith("## ") && header != null) {
                break;
            }
            if (!line.startsWith("|") || line.startsWith("|---")) {
                continue;
            }
            List<String> cells = Arrays.stream(line.substring(1, line.length() - 1).split("\\|")).map(String::strip).toList();
            if (header == null) {
                header = cells;
                continue;
            }
            String[] endpoint = cells.get(0).replace("`", "").split(" ", 2);
            Map<String, Integer> expected = new LinkedHashMap<>();
            for (int i = 1; i < cells.size(); i++) {
                expected.put(header.get(i), Integer.parseInt(cells.get(i)));
            }
            rows.add(new Row(endpoint[0], endpoint[1], expected));
        }
        return rows;
    }

    TestTenant tenant;
    Map<String, String> tokens;
    UUID existing;

    @BeforeAll
    void tenantWithEveryRole() {
        signInOperator();
        tenant = newTenant();
        TestTenant other = newTenant();
        tokens = new LinkedHashMap<>();
        tokens.put("REQUESTER", tenant.requester);
        tokens.put("APPROVER", tenant.approver);
        tokens.put("FINANCE", tenant.finance);
        tokens.put("ANALYST", tenant.addUser("analyst", List.of("ANALYST")));
        tokens.put("COMPLIANCE", tenant.addUser("compliance", List.of("COMPLIANCE")));
        tokens.put("TENANT_ADMIN", tenant.admin);
        tokens.put("OPERATOR", operatorToken);
        tokens.put("other tenant", other.admin);
        tokens.put("none", null);
        existing = tenant.raise("10.00");
        assertThat(post(tenant.path("/ledger/checkpoints"), tokens.get("COMPLIANCE"), null).status()).isIn(200, 201);
    }

    @Test
    void theMatrixCoversEveryEndpointAndEveryRole() throws IOException {
        List<Row> rows = matrix();
        assertThat(rows.getFirst().expected().keySet()).containsExactlyElementsOf(tokens.keySet());
        List<String> documented = rows.stream()
                .map(row -> row.endpoint().replace("{t}", "{tenantId}").replace("{u}", "{userId}")
                        .replace("{k}", "{keyId}").replace("{n}", "{name}").replace("{m}", "{name}")
                        .replace("{j}", "{jobId}")).toList();
        List<String> served = AccessActions.ENDPOINTS.stream()
                .filter(endpoint -> !endpoint.action().startsWith("auth.") && !endpoint.pattern().startsWith("/api/me/"))
                .map(endpoint -> endpoint.method() + " " + endpoint.pattern()).toList();
        assertThat(documented).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(concat(concat(served, AccessActions.NOT_RECORDED.stream()
                        .map(p -> "GET " + p).toList()), List.of("GET /actuator/prometheus")));
    }

    static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }

    @TestFactory
    Stream<DynamicTest> everyRoleGetsWhatTheMatrixSays() throws IOException {
        return matrix().stream().flatMap(row -> row.expected().entrySet().stream().map(cell ->
                DynamicTest.dynamicTest(row.endpoint() + " as " + cell.getKey() + " -> " + cell.getValue(), () -> {
                    Response response = call(row, tokens.get(cell.getKey()));
                    int expected = cell.getValue();
                    if (expected == 201 && response.status() == 200 && row.endpoint().endsWith("/ledger/checkpoints")) {
                        // the scheduled checkpointer (every 20 events in these tests) signed the head a moment
                        // before: the answer is that checkpoint, 200, as docs/api.md says; allowed, not a refusal
                        assertThat(response.json().has("signature")).as(response.body()).isTrue();
                        return;
                    }
                    assertThat(response.status()).as("%s as %s: %s", row.endpoint(), cell.getKey(), response.body())
                            .isEqualTo(expected);
                })));
    }

    /** The request for a row: a valid body, and a requisition in the state the action needs, made fresh where it changes. */
    Response call(Row row, String token) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        UUID id = switch (row.path().substring(row.path().lastIndexOf('/') + 1)) {
            case "submit", "cancel" -> tenant.raise("10.00");
            case "approve", "reject" -> tenant.raiseAndSubmit("10.00");
            default -> existing;
        };
        String path = row.path().replace("{t}", tenant.id.toString()).replace("{id}", id.toString())
                .replace("{m}", "approval-policy-history");
        if (path.contains("{k}")) {
            Response key = post(tenant.path("/api-keys"), tenant.admin, Map.of("name", "k-" + suffix,
                    "roles", List.of("REQUESTER"), "validDays", 1));
            path = path.replace("{k}", key.json().get("id").asString());
        }
        if (path.contains("{n}")) {
            String name = "s-" + suffix;
            assertThat(send("PUT", tenant.path("/secrets/" + name), tenant.admin, Map.of("value", "v")).status()).isEqualTo(204);
            path = path.replace("{n}", name);
        }
        if (path.contains("{j}")) {
            // a finished investigation of the tenant (by its compliance user), or across tenants (by an operator)
            boolean across = path.startsWith("/api/investigations");
            Response job = post(across ? "/api/investigations" : tenant.path("/investigations"),
                    across ? operatorToken : tokens.get("COMPLIANCE"), Map.of("from", "2026-01-01T00:00:00Z",
                            "to", "2100-01-01T00:00:00Z", "action", "nothing.matches"));
            assertThat(job.status()).as(job.body()).isEqualTo(200);
            path = path.replace("{j}", job.json().get("id").asString());
        }
        if (path.contains("{u}")) {
            Response user = post(tenant.path("/users"), tenant.admin, Map.of("email", "cut-" + suffix + "@example.test",
                    "name", "Cut", "password", PASSWORD, "roles", List.of("REQUESTER")));
            path = path.replace("{u}", user.json().get("id").asString());
        }
        Object body = switch (row.endpoint()) {
            case "POST /api/tenants" -> Map.of("name", "Matrix " + suffix, "currency", "EUR", "admin",
                    Map.of("email", "matrix-" + suffix + "@example.test", "name", "Admin", "password", PASSWORD));
            case "POST /api/tenants/{t}/users" -> Map.of("email", "user-" + suffix + "@example.test", "name", "User",
                    "password", PASSWORD, "roles", List.of("ANALYST"));
            case "PUT /api/tenants/{t}/approval-policy" -> Map.of("steps",
                    List.of(Map.of("name", "Manager", "role", "APPROVER", "minAmount", "0")));
            case "POST /api/tenants/{t}/requisitions" -> requisition("10.00");
            case "PUT /api/tenants/{t}/security-policy" -> Map.of("mfaForEveryone", false, "mfaRoles", List.of());
            case "POST /api/tenants/{t}/api-keys" -> Map.of("name", "k-" + suffix, "roles", List.of("REQUESTER"), "validDays", 1);
            case "PUT /api/tenants/{t}/secrets/{n}" -> Map.of("value", "secret-" + suffix);
            case "POST /api/tenants/{t}/requisitions/{id}/reject" -> Map.of("reason", "not this quarter");
            case "POST /api/tenants/{t}/users/{u}/erasure" -> Map.of("reason", "asked under GDPR art. 17");
            case "PUT /api/tenants/{t}/privacy-settings" -> Map.of("aiProcessingDefault", true);
            case "POST /api/tenants/{t}/investigations", "POST /api/investigations" ->
                    Map.of("from", "2026-01-01T00:00:00Z", "to", "2100-01-01T00:00:00Z", "action", "nothing.matches");
            default -> null;
        };
        return send(row.method(), path, token, body);
    }
}
