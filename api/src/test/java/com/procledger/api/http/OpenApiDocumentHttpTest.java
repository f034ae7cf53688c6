package com.procledger.api.http;

import com.procledger.api.HttpTestSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The served OpenAPI document is the contract (issue 25): what a generated client needs, every answer documented,
 * lint-clean by the rules of Redocly's recommended set, and equal to {@code docs/openapi.json}, from which the build
 * generates the client {@code GeneratedClientHttpTest} drives. After a change to the API:
 * {@code mvn -pl api test -Dtest=OpenApiDocumentHttpTest -Dopenapi.write=true}, and commit the file with it.
 */
class OpenApiDocumentHttpTest extends HttpTestSupport {

    static final Path CONTRACT = Path.of("../docs/openapi.json");

    private JsonNode served() {
        Response served = get("/v3/api-docs", null);
        assertThat(served.status()).as(served.body()).isEqualTo(200);
        return served.json();
    }

    @Test
    void theServedDocumentIsTheCommittedContract() throws Exception {
        JsonNode doc = served();
        if (Boolean.getBoolean("openapi.write")) {
            Files.writeString(CONTRACT, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc) + "\n");
        }
        assertThat(Files.exists(CONTRACT)).as(CONTRACT + " exists").isTrue();
        assertThat(JSON.readTree(Files.readString(CONTRACT)))
                .as("docs/openapi.json is out of step with the served document (clients are generated from it); "
                        + "regenerate it: mvn -pl api test -Dtest=OpenApiDocumentHttpTest -Dopenapi.write=true")
                .isEqualTo(doc);
    }

    /**
     * The rules of Redocly's recommended set that report errors or warnings, checked here so that CI needs no
     * Node.js: {@code bin/lint-openapi} runs Redocly itself on the served document.
     */
    @Test
    void passesTheLintRules() {
        JsonNode doc = served();
        List<String> problems = new ArrayList<>();
        if (doc.at("/info/license/url").isMissingNode() && doc.at("/info/license/identifier").isMissingNode()) {
            problems.add("info-license-strict: the licence has neither url nor identifier");
        }
        for (JsonNode server : doc.path("servers")) {
            if (server.path("url").asString("").contains("example.com")) {
                problems.add("no-server-example.com: " + server);
            }
        }
        if (doc.path("servers").isEmpty()) {
            problems.add("no-empty-servers");
        }
        Set<String> schemes = new HashSet<>(doc.at("/components/securitySchemes").propertyNames());
        Set<String> tags = new HashSet<>();
        doc.path("tags").forEach(tag -> {
            tags.add(tag.path("name").asString());
            if (tag.path("description").asString("").isBlank()) {
                problems.add("tag-description (Spectral): " + tag);
            }
        });
        if (doc.at("/info/contact").isMissingNode()) {
            problems.add("info-contact (Spectral)");
        }
        Set<String> ids = new HashSet<>();
        Set<String> shapes = new HashSet<>();
        doc.get("paths").properties().forEach(path -> {
            String p = path.getKey();
            if (p.contains("?")) {
                problems.add("path-not-include-query: " + p);
            }
            if (p.length() > 1 && p.endsWith("/")) {
                problems.add("no-path-trailing-slash: " + p);
            }
            if (!shapes.add(p.replaceAll("\\{[^}]+}", "{}"))) {
                problems.add("no-identical-paths / no-ambiguous-paths: " + p);
            }
            Set<String> inPath = new HashSet<>();
            var matcher = java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(p);
            while (matcher.find()) {
                inPath.add(matcher.group(1));
            }
            path.getValue().properties().forEach(op -> {
                String name = op.getKey().toUpperCase() + " " + p;
                JsonNode operation = op.getValue();
                String id = operation.path("operationId").asString("");
                if (id.isEmpty() || !ids.add(id)) {
                    problems.add("operation-operationId(-unique): " + name);
                }
                if (!id.matches("[A-Za-z0-9_.~-]+")) {
                    problems.add("operation-operationId-url-safe: " + name);
                }
                if (operation.path("summary").asString("").isBlank()) {
                    problems.add("operation-summary: " + name);
                }
                if (operation.path("description").asString("").isBlank()) {
                    problems.add("operation-description (Spectral): " + name);
                }
                for (JsonNode tag : operation.path("tags")) {
                    if (!tags.contains(tag.asString())) {
                        problems.add("operation-tag-defined (Spectral): " + name + " " + tag);
                    }
                }
                List<String> statuses = new ArrayList<>(operation.path("responses").propertyNames());
                if (statuses.stream().noneMatch(s -> s.startsWith("2"))) {
                    problems.add("operation-2xx-response: " + name);
                }
                if (statuses.stream().noneMatch(s -> s.startsWith("4"))) {
                    problems.add("operation-4xx-response: " + name);
                }
                Set<String> declared = new HashSet<>();
                Set<String> unique = new HashSet<>();
                for (JsonNode parameter : operation.path("parameters")) {
                    if (!unique.add(parameter.path("in").asString() + ":" + parameter.path("name").asString())) {
                        problems.add("operation-parameters-unique: " + name + " " + parameter.path("name"));
                    }
                    if (parameter.path("in").asString().equals("path")) {
                        declared.add(parameter.path("name").asString());
                    }
                }
                if (!declared.equals(inPath)) {
                    problems.add("path-parameters-defined: " + name + " declares " + declared);
                }
                for (JsonNode requirement : operation.path("security")) {
                    requirement.propertyNames().forEach(scheme -> {
                        if (!schemes.contains(scheme)) {
                            problems.add("security-defined: " + name + " " + scheme);
                        }
                    });
                }
            });
        });
        doc.get("components").properties().forEach(kind -> kind.getValue().propertyNames().forEach(name -> {
            if (!name.matches("[a-zA-Z0-9.\\-_]+")) {
                problems.add("spec-components-invalid-map-name: " + kind.getKey() + " " + name);
            }
        }));
        enumTypes(doc, "", problems);
        // no-unresolved-refs, and no-unused-components for schemas
        Set<String> refs = new HashSet<>();
        collectRefs(doc, refs);
        for (String ref : refs) {
            if (!ref.startsWith("#/") || doc.at(ref.substring(1)).isMissingNode()) {
                problems.add("no-unresolved-refs: " + ref);
            }
        }
        doc.at("/components/schemas").propertyNames().forEach(schema -> {
            if (!refs.contains("#/components/schemas/" + schema)) {
                problems.add("no-unused-components: " + schema);
            }
        });
        assertThat(problems).isEmpty();
    }

    /** no-enum-type-mismatch: every value of a string enum is a string, of an integer enum an integer. */
    private static void enumTypes(JsonNode node, String at, List<String> problems) {
        if (node.isObject()) {
            if (node.has("enum") && node.path("type").isString()) {
                String type = node.path("type").asString();
                for (JsonNode value : node.get("enum")) {
                    boolean fits = switch (type) {
                        case "string" -> value.isString();
                        case "integer" -> value.isIntegralNumber();
                        case "number" -> value.isNumber();
                        case "boolean" -> value.isBoolean();
                        default -> true;
                    };
                    if (!fits) {
                        problems.add("no-enum-type-mismatch: " + at + " " + value);
                    }
                }
            }
            node.properties().forEach(e -> enumTypes(e.getValue(), at + "/" + e.getKey(), problems));
        } else if (node.isArray()) {
            node.forEach(child -> enumTypes(child, at, problems));
        }
    }

    /**
     * Each operation's description names who may call it, and says what the access matrix of docs/security.md
     * (which {@code AccessMatrixHttpTest} walks over HTTP) says: the roles answered 2xx there.
     */
    @Test
    void descriptionsNameWhoMayCallAsTheAccessMatrixDoes() throws Exception {
        JsonNode doc = served();
        List<String> lines = Files.readAllLines(Path.of("../docs/security.md"));
        int header = -1;
        for (int i = 0; i < lines.size() && header < 0; i++) {
            if (lines.get(i).startsWith("| endpoint | REQUESTER")) {
                header = i;
            }
        }
        assertThat(header).as("the access matrix in docs/security.md").isNotNegative();
        List<String> columns = java.util.Arrays.stream(lines.get(header).split("\\|")).map(String::strip)
                .filter(c -> !c.isEmpty()).skip(1).toList();
        java.util.Map<String, List<String>> allowed = new java.util.HashMap<>();
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            List<String> cells = java.util.Arrays.stream(lines.get(i).split("\\|")).map(String::strip)
                    .filter(c -> !c.isEmpty()).toList();
            List<String> roles = new ArrayList<>();
            for (int c = 0; c < columns.size(); c++) {
                if (cells.get(c + 1).startsWith("2")) {
                    roles.add(columns.get(c));
                }
            }
            allowed.put(shape(cells.get(0).replace("`", "")), roles);
        }
        List<String> problems = new ArrayList<>();
        int compared = 0;
        for (var path : doc.get("paths").properties()) {
            for (var op : path.getValue().properties()) {
                String key = shape(op.getKey().toUpperCase() + " " + path.getKey());
                String description = op.getValue().path("description").asString("");
                List<String> roles = allowed.get(key);
                if (roles == null) {
                    if (!key.contains(" /api/auth/") && !key.contains(" /api/me/")) {
                        problems.add(key + ": not in the access matrix");
                    }
                    continue;
                }
                compared++;
                String expected = "Who may call: " + (roles.size() == columns.size() ? "anyone, without credentials"
                        : roles.equals(List.of("REQUESTER", "APPROVER", "FINANCE", "ANALYST", "COMPLIANCE", "TENANT_ADMIN"))
                        ? "any member of the tenant"
                        : roles.equals(List.of("OPERATOR")) ? "the platform operator (OPERATOR)"
                        : String.join(" or ", roles) + " of the tenant");
                if (!description.startsWith(expected)) {
                    problems.add(key + ": \"" + description + "\", the matrix says \"" + expected + "\"");
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(compared).isGreaterThan(50);
    }

    private static String shape(String methodAndPath) {
        return methodAndPath.replaceAll("\\{[^}]+}", "{}");
    }

    private static void collectRefs(JsonNode node, Set<String> into) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                if (e.getKey().equals("$ref") && e.getValue().isString()) {
                    into.add(e.getValue().asString().replace("~1", "/"));
                } else {
                    collectRefs(e.getValue(), into);
                }
            });
        } else if (node.isArray()) {
            node.forEach(child -> collectRefs(child, into));
        }
    }

    @Test
    void documentsEveryAnswerWithItsStatusMediaTypeAndHeaders() {
        JsonNode doc = served();
        List<String> problems = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        doc.get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            String name = op.getKey().toUpperCase() + " " + path.getKey();
            JsonNode operation = op.getValue();
            String id = operation.path("operationId").asString();
            ids.add(id);
            if (!OpenApiContract.OPERATIONS.containsKey(id)) {
                problems.add(name + ": no row in OpenApiContract for " + id);
            }
            operation.path("responses").properties().forEach(answer -> {
                JsonNode response = answer.getValue().has("$ref")
                        ? doc.at(answer.getValue().get("$ref").asString().substring(1)) : answer.getValue();
                Set<String> types = new HashSet<>(response.path("content").propertyNames());
                int status = Integer.parseInt(answer.getKey());
                if (status >= 400 && !types.equals(Set.of("application/problem+json"))) {
                    problems.add(name + " " + status + " is " + types + ", not problem+json");
                }
                if (types.contains("*/*")) {
                    problems.add(name + " " + status + " has no real media type");
                }
                if ((status == 429 || status == 503) && !response.at("/headers").has("Retry-After")) {
                    problems.add(name + " " + status + " without Retry-After");
                }
            });
            boolean post = op.getKey().equals("post");
            boolean idempotencyKey = false;
            boolean ifMatch = false;
            for (JsonNode parameter : operation.path("parameters")) {
                idempotencyKey |= parameter.path("name").asString().equals("Idempotency-Key");
                ifMatch |= parameter.path("name").asString().equals("If-Match");
            }
            if (post && idempotencyKey == IdempotencyFilter.answersASecret(path.getKey())) {
                problems.add(name + (idempotencyKey ? " offers" : " lacks") + " Idempotency-Key");
            }
            if (ifMatch && !operation.at("/responses").has("412")) {
                problems.add(name + " takes If-Match but documents no 412");
            }
        }));
        assertThat(problems).isEmpty();
        assertThat(OpenApiContract.OPERATIONS.keySet()).as("rows naming no operation").isSubsetOf(ids);

        JsonNode raise = doc.at("/paths/~1api~1tenants~1{tenantId}~1requisitions/post/responses/201");
        assertThat(raise.at("/headers").propertyNames()).contains("Location", "ETag");
        assertThat(raise.at("/content/application~1json/schema/$ref").asString()).endsWith("/RequisitionCreated");
        assertThat(doc.at("/paths/~1api~1tenants~1{tenantId}~1requisitions~1{id}~1approve/post/responses").propertyNames())
                .contains("200", "400", "401", "403", "404", "409", "412", "413", "415", "422", "429", "503");
        assertThat(doc.at("/paths/~1api~1auth~1logout/post/responses").has("204")).isTrue();
        assertThat(doc.at("/paths/~1api~1admin~1projections~1{name}~1rebuild/post/responses/202/headers").has("Location"))
                .isTrue();
        assertThat(doc.at("/paths/~1api~1tenants~1{tenantId}~1investigations/post/responses").propertyNames())
                .contains("200", "202");
        assertThat(doc.at("/paths/~1api~1tenants~1{tenantId}~1exports~1requisitions.csv/get/responses/200/content")
                .propertyNames()).containsExactly("text/csv");
        assertThat(doc.at("/paths/~1api~1tenants~1{tenantId}~1exports~1requisitions.csv/get/responses/200/headers")
                .has("X-Expected-Rows")).isTrue();
        assertThat(doc.at("/paths/~1api~1tenants~1{tenantId}~1ledger~1events/get/responses/200/content").propertyNames())
                .containsExactly("application/x-ndjson");
        assertThat(doc.at("/paths/~1api~1tenants~1{tenantId}~1ledger~1export/get/responses/200/content").propertyNames())
                .containsExactly("application/zip");
        assertThat(doc.at("/paths/~1api~1ledger~1public-key/get/responses/200/content").propertyNames())
                .containsExactly("application/x-pem-file");
        // closed sets are enums; roles one named schema
        assertThat(doc.at("/components/schemas/Role/enum").size()).isEqualTo(7);
        assertThat(doc.at("/components/schemas/CycleTime/properties/role/anyOf/0/$ref").asString()).endsWith("/Role");
        // what an answer may leave null is declared so: a requisition without neededBy
        assertThat(doc.at("/components/schemas/RequisitionDetail/properties/neededBy/type").toString()).contains("null");
        JsonNode groupBy = java.util.stream.StreamSupport.stream(
                doc.at("/paths/~1api~1tenants~1{tenantId}~1analytics~1spend/get/parameters").spliterator(), false)
                .filter(p -> p.path("name").asString().equals("groupBy")).findFirst().orElseThrow();
        assertThat(groupBy.at("/schema/enum").toString()).contains("department", "category", "vendor", "month");
        assertThat(doc.at("/components/schemas").propertyNames()).allMatch(n -> n.matches("[A-Z][A-Za-z0-9]+"))
                .contains("AccessLogEntry", "HistoryEntry", "Problem", "TokenPair", "RequisitionDetail");
    }

    @Test
    void declaresHowToAuthenticateOnEveryOperationAndNoServerTypeAsAParameter() {
        JsonNode doc = served();
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
        JsonNode accessEvent = schemas.get("AccessLogEntry");
        JsonNode historyEntry = schemas.get("HistoryEntry");
        assertThat(accessEvent.at("/properties").has("action")).isTrue();
        assertThat(accessEvent.at("/properties").has("outcome")).isTrue();
        assertThat(historyEntry.at("/properties").has("changes")).isTrue();
        JsonNode tokenSecurity = doc.at("/paths/~1api~1auth~1token/post/security");
        assertThat(tokenSecurity.isArray() && tokenSecurity.isEmpty()).as("sign-in needs no credentials: security []")
                .isTrue();
    }
}
