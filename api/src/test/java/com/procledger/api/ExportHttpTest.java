package com.procledger.api;

import com.procledger.api.ledger.VerifyLedgerCommand;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

class ExportHttpTest extends HttpTestSupport {

    @TempDir
    Path files;

    private static Map<String, Object> requisition(String title, String department, String vendor, String justification) {
        var body = new LinkedHashMap<String, Object>();
        body.put("title", title);
        body.put("department", department);
        body.put("vendor", vendor);
        body.put("currency", "EUR");
        body.put("justification", justification);
        body.put("lines", List.of(Map.of("description", "Chair, \"ergonomic\"", "category", "Furniture",
                "quantity", "3", "unitPrice", "199.99")));
        return body;
    }

    @Test
    void requisitionsExportAsCsvThatAStandardParserReadsBackExactly() throws IOException {
        TestTenant tenant = newTenant();
        String analyst = tenant.addUser("analyst", List.of("ANALYST"));
        String tricky = "Desks, chairs and \"quotes\"\nsecond line\r\nthird line";
        Response raised = post(tenant.path("/requisitions"), tenant.requester,
                requisition(tricky, "=HYPERLINK(\"http://evil.example\")", "Møbler & Söhne", "needed, \"now\""));
        assertThat(raised.status()).as(raised.body()).isEqualTo(201);
        UUID trickyId = UUID.fromString(raised.json().get("id").asString());
        UUID submitted = tenant.raiseAndSubmit("10.00");
        newTenant().raise("99.00"); // another tenant's requisition must not appear

        Response csv = get(tenant.path("/exports/requisitions.csv"), analyst);
        assertThat(csv.status()).as(csv.body()).isEqualTo(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        assertThat(csv.header("Content-Disposition")).isEqualTo("attachment; filename=\"requisitions-" + tenant.id + ".csv\"");
        assertThat(csv.body()).startsWith("id,status,title,department,vendor,currency,total,requesterId,policyVersion,"
                + "createdAt,updatedAt,neededBy,justification,decisionReason,lastLedgerSeq\r\n");

        List<CSVRecord> records = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(csv.body())).getRecords();
        assertThat(records).extracting(r -> r.get("id")).containsExactly(trickyId.toString(), submitted.toString());
        assertThat(csv.header("X-Expected-Rows")).isEqualTo("2"); // progress for the client: rows to come
        CSVRecord first = records.get(0);
        assertThat(first.size()).isEqualTo(15);
        assertThat(first.get("title")).isEqualTo(tricky);
        // a cell a spreadsheet would run as a formula is written as text
        assertThat(first.get("department")).isEqualTo("'=HYPERLINK(\"http://evil.example\")");
        assertThat(first.get("vendor")).isEqualTo("Møbler & Söhne");
        assertThat(first.get("justification")).isEqualTo("needed, \"now\"");
        assertThat(first.get("status")).isEqualTo("DRAFT");
        assertThat(first.get("total")).isEqualTo("599.97");
        assertThat(first.get("currency")).isEqualTo("EUR");
        assertThat(first.get("policyVersion")).isEmpty();
        assertThat(records.get(1).get("status")).isEqualTo("SUBMITTED");
        assertThat(records.get(1).get("policyVersion")).isNotEmpty();
        assertThat(Long.parseLong(records.get(1).get("lastLedgerSeq"))).isPositive();

        Response filtered = get(tenant.path("/exports/requisitions.csv?status=SUBMITTED"), tenant.finance);
        assertThat(CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(filtered.body())).getRecords()).extracting(r -> r.get("id"))
                .containsExactly(submitted.toString());

        // the export is an access in the ledger, like every read
        String compliance = tenant.addUser("compliance", List.of("COMPLIANCE"));
        List<JsonNode> exports = get(tenant.path("/ledger/events"), compliance).body().lines()
                .map(JSON::readTree).filter(line -> line.get("eventType").asString().equals("AccessRecorded"))
                .map(line -> JSON.readTree(line.get("payload").asString()))
                .filter(payload -> payload.get("action").asString().equals("export.requisitions")).toList();
        assertThat(exports).hasSize(2).allSatisfy(p -> assertThat(p.get("status").asInt()).isEqualTo(200));
    }

    @Test
    void requisitionsExportAsNdjsonWithTheirLines() {
        TestTenant tenant = newTenant();
        String compliance = tenant.addUser("compliance", List.of("COMPLIANCE"));
        UUID id = UUID.fromString(post(tenant.path("/requisitions"), tenant.requester,
                requisition("Line\nbreak", "Ops", "ACME", null)).json().get("id").asString());

        Response ndjson = get(tenant.path("/exports/requisitions.ndjson"), compliance);
        assertThat(ndjson.status()).as(ndjson.body()).isEqualTo(200);
        assertThat(ndjson.contentType()).startsWith("application/x-ndjson");
        List<JsonNode> lines = ndjson.body().lines().map(JSON::readTree).toList();
        assertThat(lines).hasSize(1);
        assertThat(ndjson.header("X-Expected-Rows")).isEqualTo("1");
        JsonNode line = lines.get(0);
        assertThat(line.get("id").asString()).isEqualTo(id.toString());
        assertThat(line.get("title").asString()).isEqualTo("Line\nbreak");
        assertThat(line.get("total").asString()).isEqualTo("599.97");
        assertThat(line.get("justification").isNull()).isTrue();
        assertThat(line.get("lines").isArray()).isTrue();
        assertThat(line.get("lines").get(0).get("description").asString()).isEqualTo("Chair, \"ergonomic\"");
        assertThat(line.get("lines").get(0).get("total").asString()).isEqualTo("599.97");
    }

    @Test
    void aFilterThatIsNoStatusIsAProblemNotAnError() {
        TestTenant tenant = newTenant();
        Response response = get(tenant.path("/exports/requisitions.csv?status=LOST"), tenant.finance);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
    }

    @Test
    void theLedgerBundleIsAcceptedByTheOfflineVerifierAndATamperedOneIsNot() throws IOException {
        TestTenant tenant = newTenant();
        String compliance = tenant.addUser("compliance", List.of("COMPLIANCE"));
        for (int i = 0; i < 12; i++) { // enough events for an automatic checkpoint (every 20 events in tests)
            tenant.raiseAndSubmit("1" + i + ".00");
        }
        assertThat(post(tenant.path("/ledger/checkpoints"), compliance, null).status()).isIn(200, 201);

        HttpResponse<byte[]> bundle = getBytes(tenant.path("/ledger/export"), compliance);
        assertThat(bundle.statusCode()).isEqualTo(200);
        assertThat(bundle.headers().firstValue("Content-Type")).hasValue("application/zip");
        Map<String, byte[]> entries = unzip(bundle.body());
        assertThat(entries).containsOnlyKeys("checkpoints.json", "public-key.pem", "events.ndjson", "manifest.json");
        JsonNode manifest = JSON.readTree(entries.get("manifest.json"));
        List<String> events = new String(entries.get("events.ndjson"), StandardCharsets.UTF_8).lines().toList();
        assertThat(manifest.get("tenantId").asString()).isEqualTo(tenant.id.toString());
        assertThat(manifest.get("events").asLong()).isEqualTo(events.size()).isGreaterThan(40);
        assertThat(manifest.get("headSeq").asLong()).isEqualTo(events.size());
        assertThat(manifest.get("checkpoints").asInt()).isGreaterThanOrEqualTo(2);

        Path file = Files.write(files.resolve("ledger.zip"), bundle.body());
        Run valid = verify("--bundle", file.toString());
        assertThat(valid.exit()).as(valid.err()).isZero();
        JsonNode report = JSON.readTree(valid.out());
        assertThat(report.get("valid").asBoolean()).isTrue();
        assertThat(report.get("events").asLong()).isEqualTo(events.size());
        assertThat(report.get("checkpointsMatched").asInt()).isEqualTo(manifest.get("checkpoints").asInt());

        // add one space to one event's payload and zip it again
        int target = events.size() / 2;
        var node = (tools.jackson.databind.node.ObjectNode) JSON.readTree(events.get(target));
        String payload = node.get("payload").asString();
        node.put("payload", payload.substring(0, payload.length() - 1) + " }");
        String changed = JSON.writeValueAsString(node);
        var tampered = new java.util.ArrayList<>(events);
        tampered.set(target, changed);
        entries.put("events.ndjson", (String.join("\n", tampered) + "\n").getBytes(StandardCharsets.UTF_8));
        Path forged = files.resolve("forged.zip");
        Files.write(forged, zip(entries));
        Run invalid = verify("--bundle", forged.toString());
        assertThat(invalid.exit()).as(invalid.out() + invalid.err()).isEqualTo(1);
        assertThat(JSON.readTree(invalid.out()).get("firstInvalidSeq").asLong()).isEqualTo(target + 1);

        assertThat(verify("--bundle", file.toString(), "--events", file.toString()).exit()).isEqualTo(2);
        entries.remove("public-key.pem");
        Path incomplete = Files.write(files.resolve("incomplete.zip"), zip(entries));
        Run missing = verify("--bundle", incomplete.toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("public-key.pem is missing");
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run verify(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int exit = VerifyLedgerCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Map<String, byte[]> unzip(byte[] bytes) throws IOException {
        var entries = new LinkedHashMap<String, byte[]>();
        try (var zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                entries.put(entry.getName(), zip.readAllBytes());
            }
        }
        return entries;
    }

    private static byte[] zip(Map<String, byte[]> entries) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(bytes)) {
            for (var entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
