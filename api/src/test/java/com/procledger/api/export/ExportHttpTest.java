package com.procledger.api.export;

import com.procledger.api.HttpTestSupport;
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

    private static List<CSVRecord> csvRecords(Response csv) throws IOException {
        assertThat(csv.status()).as(csv.body()).isEqualTo(200);
        return CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(csv.body())).getRecords();
    }

    @Test
    void spendExportsOneRowPerLineThatAddsUpToTheSpendAnswer() throws IOException {
        TestTenant tenant = newTenant();
        String analyst = tenant.addUser("analyst", List.of("ANALYST"));
        String vendor = "Möbel, \"Stühle\"\r\nund Tische";
        UUID approved = tenant.raiseAndSubmit("Engineering", vendor,
                List.of(line("IT", "2", "650.00"), line("=SUM(A1:A9)", "1", "100.005")));
        UUID other = tenant.raiseAndSubmit("Sales", "ACME", List.of(line("Travel", "1", "300.00")));
        UUID pending = tenant.raiseAndSubmit("Sales", "Hotels", List.of(line("Travel", "1", "80.00")));
        UUID rejected = tenant.raiseAndSubmit("Sales", "X", List.of(line("Travel", "1", "5.00")));
        tenant.raise("7.00"); // a draft is no spend
        for (UUID id : List.of(approved, other)) {
            assertThat(post(tenant.path("/requisitions/" + id + "/approve"), tenant.approver, null).status()).isEqualTo(200);
        }
        assertThat(post(tenant.path("/requisitions/" + rejected + "/reject"), tenant.approver, Map.of("reason", "no"))
                .status()).isEqualTo(200);
        newTenant().raiseAndSubmit("5000.00"); // another tenant's spend never appears

        Response response = get(tenant.path("/exports/spend.csv"), tenant.finance);
        assertThat(response.contentType()).startsWith("text/csv");
        assertThat(response.header("Content-Disposition")).isEqualTo("attachment; filename=\"spend-" + tenant.id + ".csv\"");
        assertThat(response.body()).startsWith("requisitionId,lineNo,status,department,category,vendor,currency,amount,"
                + "spentAt,raisedAt,submittedAt,decidedAt\r\n");
        List<CSVRecord> rows = csvRecords(response);
        assertThat(response.header("X-Expected-Rows")).isEqualTo("4");
        assertThat(rows).extracting(r -> r.get("requisitionId") + "/" + r.get("lineNo") + " " + r.get("status") + " "
                        + r.get("amount")).containsExactlyInAnyOrder(approved + "/0 APPROVED 1300.00",
                approved + "/1 APPROVED 100.00", other + "/0 APPROVED 300.00", pending + "/0 SUBMITTED 80.00");
        CSVRecord first = rows.stream().filter(r -> r.get("requisitionId").equals(approved.toString())
                && r.get("lineNo").equals("1")).findFirst().orElseThrow();
        assertThat(first.get("vendor")).isEqualTo(vendor);
        assertThat(first.get("category")).isEqualTo("'=SUM(A1:A9)"); // spreadsheet formulas are written as text
        assertThat(first.get("currency")).isEqualTo("EUR");
        assertThat(first.get("spentAt")).isEqualTo(first.get("decidedAt")).isNotEmpty();
        assertThat(java.time.Instant.parse(first.get("submittedAt"))).isBeforeOrEqualTo(java.time.Instant.parse(first.get("decidedAt")));
        CSVRecord waiting = rows.stream().filter(r -> r.get("status").equals("SUBMITTED")).findFirst().orElseThrow();
        assertThat(waiting.get("spentAt")).isEqualTo(waiting.get("submittedAt")).isNotEmpty();
        assertThat(waiting.get("decidedAt")).isEmpty();

        // committed spend per department, summed from the export, is what the analytics answer says
        var fromExport = new java.util.TreeMap<String, java.math.BigDecimal>();
        rows.stream().filter(r -> r.get("status").equals("APPROVED"))
                .forEach(r -> fromExport.merge(r.get("department"), new java.math.BigDecimal(r.get("amount")), java.math.BigDecimal::add));
        var fromAnalytics = new java.util.TreeMap<String, java.math.BigDecimal>();
        get(tenant.path("/analytics/spend?groupBy=department"), analyst).json().get("items")
                .forEach(item -> fromAnalytics.put(item.get("key").asString(), new java.math.BigDecimal(item.get("amount").asString())));
        assertThat(fromExport).isEqualTo(fromAnalytics).containsEntry("Engineering", new java.math.BigDecimal("1400.00"));

        assertThat(csvRecords(get(tenant.path("/exports/spend.csv?status=submitted"), analyst)))
                .extracting(r -> r.get("requisitionId")).containsExactly(pending.toString());
        assertThat(csvRecords(get(tenant.path("/exports/spend.csv?status=APPROVED&category=Travel"), analyst)))
                .extracting(r -> r.get("requisitionId")).containsExactly(other.toString());
        assertThat(csvRecords(get(tenant.path("/exports/spend.csv?to=2020-01-01T00:00:00Z"), analyst))).isEmpty();

        Response ndjson = get(tenant.path("/exports/spend.ndjson?department=Sales"), analyst);
        assertThat(ndjson.status()).as(ndjson.body()).isEqualTo(200);
        assertThat(ndjson.contentType()).startsWith("application/x-ndjson");
        assertThat(ndjson.header("X-Expected-Rows")).isEqualTo("2");
        List<JsonNode> lines = ndjson.body().lines().map(JSON::readTree).toList();
        assertThat(lines).extracting(l -> l.get("requisitionId").asString() + " " + l.get("amount").asString()
                + " " + l.get("vendor").asString()).containsExactlyInAnyOrder(other + " 300.00 ACME", pending + " 80.00 Hotels");

        for (String bad : List.of("status=PAID", "from=yesterday")) {
            Response problem = get(tenant.path("/exports/spend.csv?" + bad), analyst);
            assertThat(problem.status()).as(bad).isEqualTo(400);
            assertThat(problem.contentType()).startsWith("application/problem+json");
        }
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
        assertThat(entries).containsOnlyKeys("checkpoints.json", "public-key.pem", "keys.json", "events.ndjson",
                "manifest.json");
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
        long lastCheckpoint = 0;
        for (JsonNode checkpoint : JSON.readTree(entries.get("checkpoints.json")).get("items")) {
            lastCheckpoint = Math.max(lastCheckpoint, checkpoint.get("ledgerSeq").asLong());
        }
        // the export's own access events come after the last checkpoint: chained, but signed by nobody yet
        assertThat(report.get("uncoveredEvents").asLong()).isEqualTo(events.size() - lastCheckpoint).isPositive();

        // keys pinned by the verifier win over the bundle's own: the published keys verify, a stranger's do not
        Path keys = Files.writeString(files.resolve("keys.json"), get("/api/ledger/keys", null).body());
        assertThat(verify("--bundle", file.toString(), "--keys", keys.toString()).exit()).isZero();
        Path stranger = Files.writeString(files.resolve("stranger.pem"),
                com.procledger.infra.ledger.LedgerSigner.generate().publicKeyPem());
        Run pinned = verify("--bundle", file.toString(), "--public-key", stranger.toString());
        assertThat(pinned.exit()).as(pinned.out() + pinned.err()).isEqualTo(1);
        assertThat(JSON.readTree(pinned.out()).get("reason").asString()).contains("not one of the ledger keys");

        // a manifest that does not describe its events (events removed from the end, say) is caught
        var saidMore = new LinkedHashMap<>(entries);
        var bigger = (tools.jackson.databind.node.ObjectNode) JSON.readTree(entries.get("manifest.json"));
        bigger.put("events", events.size() + 3);
        bigger.put("headSeq", events.size() + 3);
        saidMore.put("manifest.json", JSON.writeValueAsBytes(bigger));
        Run short_ = verify("--bundle", Files.write(files.resolve("short.zip"), zip(saidMore)).toString());
        assertThat(short_.exit()).as(short_.out() + short_.err()).isEqualTo(1);
        assertThat(JSON.readTree(short_.out()).get("reason").asString()).contains("manifest");
        var otherTenant = (tools.jackson.databind.node.ObjectNode) JSON.readTree(entries.get("manifest.json"));
        otherTenant.put("tenantId", java.util.UUID.randomUUID().toString());
        saidMore.put("manifest.json", JSON.writeValueAsBytes(otherTenant));
        assertThat(verify("--bundle", Files.write(files.resolve("other.zip"), zip(saidMore)).toString()).exit()).isEqualTo(1);

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
