package com.procledger.api.http;

import com.procledger.api.HttpTestSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The served OpenAPI document is something a generated client can use (issue 25, point 1, in part). */
class OpenApiDocumentHttpTest extends HttpTestSupport {

    @Test
    void declaresHowToAuthenticateOnEveryOperationAndNoServerTypeAsAParameter() {
        Response served = get("/v3/api-docs", null);
        assertThat(served.status()).as(served.body()).isEqualTo(200);
        JsonNode doc = served.json();
        assertThat(doc.at("/info/title").asString()).isEqualTo("ProcLedger API");
        assertThat(doc.at("/info/version").asString()).isNotBlank();
        assertThat(doc.at("/info/license/name").asString()).isNotBlank();
        assertThat(doc.at("/components/securitySchemes/bearer/scheme").asString()).isEqualTo("bearer");
        assertThat(doc.at("/components/securitySchemes/apiKey/name").asString()).isEqualTo("X-Api-Key");
        assertThat(doc.get("paths").has("/error")).isFalse();

        List<String> problems = new ArrayList<>();
        List<String> operationIds = new ArrayList<>();
        doc.get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            String name = op.getKey().toUpperCase() + " " + path.getKey();
            operationIds.add(op.getValue().path("operationId").asString(""));
            JsonNode security = op.getValue().get("security");
            boolean open = OpenApiConfiguration.OPEN.contains(name);
            if (security == null || !security.isArray() || (open ? !security.isEmpty() : security.size() != 2)) {
                problems.add(name + " security " + security);
            }
            JsonNode parameters = op.getValue().get("parameters");
            if (parameters != null) {
                for (JsonNode parameter : parameters) {
                    String p = parameter.get("name").asString();
                    if (p.equals("caller") || p.equals("jwt") || p.equals("principal")) {
                        problems.add(name + " has parameter " + p);
                    }
                }
            }
        }));
        assertThat(problems).isEmpty();
        assertThat(operationIds).doesNotHaveDuplicates().allMatch(id -> id.matches("[a-z][A-Za-z]+"))
                .contains("raiseRequisition", "approveRequisition", "getTenant", "verifyLedger");
        // money and quantities are decimal strings in every schema, never numbers
        List<String> numbers = new ArrayList<>();
        doc.at("/components/schemas").properties().forEach(schema -> schema.getValue().path("properties").properties()
                .forEach(property -> {
                    String type = property.getValue().path("type").asString("");
                    if (type.equals("number") && !property.getKey().equals("ratePerSecond")) { // a rate, not money
                        numbers.add(schema.getKey() + "." + property.getKey());
                    }
                }));
        assertThat(numbers).as("properties typed as binary numbers").isEmpty();
        JsonNode price = doc.at("/components/schemas").properties().stream()
                .map(schema -> schema.getValue().at("/properties/unitPrice")).filter(node -> !node.isMissingNode())
                .findFirst().orElseThrow();
        assertThat(price.path("type").asString()).isEqualTo("string");
        assertThat("1450.00").matches(price.path("pattern").asString());
        assertThat("1.5e3").doesNotMatch(price.path("pattern").asString());
        // one schema per concept: access events and history entries no longer share a name (and lose fields)
        JsonNode schemas = doc.at("/components/schemas");
        JsonNode accessEvent = schemas.properties().stream().filter(e -> e.getKey().endsWith("AccessLog.Entry"))
                .map(java.util.Map.Entry::getValue).findFirst().orElseThrow(() -> new AssertionError(schemas.toString()));
        JsonNode historyEntry = schemas.properties().stream().filter(e -> e.getKey().endsWith("RequisitionHistory.Entry"))
                .map(java.util.Map.Entry::getValue).findFirst().orElseThrow(() -> new AssertionError(schemas.toString()));
        assertThat(accessEvent.at("/properties").has("action")).isTrue();
        assertThat(accessEvent.at("/properties").has("outcome")).isTrue();
        assertThat(historyEntry.at("/properties").has("changes")).isTrue();
        JsonNode tokenSecurity = doc.at("/paths/~1api~1auth~1token/post/security");
        assertThat(tokenSecurity.isArray() && tokenSecurity.isEmpty()).as("sign-in needs no credentials: security []")
                .isTrue();
    }
}
