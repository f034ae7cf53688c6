package com.procledger.api.http;

import com.procledger.api.HttpTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JSON logs by configuration (README): with {@code logging.structured.format.console=ecs} (which every HTTP test's
 * service runs with, see {@link HttpTestSupport}), every line is one JSON object, and a line logged while a request runs carries its correlation id and the caller's tenant and user ids,
 * never an email.
 */
@ExtendWith(OutputCaptureExtension.class)
class StructuredLogsHttpTest extends HttpTestSupport {

    @Test
    void aLineLoggedDuringARequestIsJsonWithItsCorrelationIdTenantAndUser(CapturedOutput output) {
        TestTenant tenant = newTenant();
        String erin = tenant.addUser("erin", List.of("REQUESTER"));
        String erinId = claim(erin, "sub");
        String adminId = claim(tenant.admin, "sub");
        Response erased = post(tenant.path("/users/" + erinId + "/erasure"), tenant.admin, Map.of("reason", "asked"),
                "X-Correlation-Id", "structured-logs-test-1");
        assertThat(erased.status()).as(erased.body()).isEqualTo(200);

        List<JsonNode> lines = output.getOut().lines().filter(line -> line.startsWith("{"))
                .map(JSON::readTree).toList();
        assertThat(lines).isNotEmpty();
        JsonNode erasure = lines.stream()
                .filter(line -> line.path("message").asString("").startsWith("Erased data subject " + erinId))
                .findFirst().orElseThrow(() -> new AssertionError("no JSON line for the erasure in:\n" + output.getOut()));
        assertThat(erasure.path("correlationId").asString()).isEqualTo("structured-logs-test-1");
        assertThat(erasure.path("tenantId").asString()).isEqualTo(tenant.id.toString());
        assertThat(erasure.path("userId").asString()).isEqualTo(adminId);
        assertThat(erasure.path("log").path("level").asString()).isEqualTo("INFO");
        assertThat(erasure.path("service").path("name").asString()).isEqualTo("procledger");
        assertThat(output.getOut()).doesNotContain("erin-"); // the email (erin-…@example.test) is in no line
    }
}
