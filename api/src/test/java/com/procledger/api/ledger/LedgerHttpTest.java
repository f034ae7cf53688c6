package com.procledger.api.ledger;

import com.procledger.api.HttpTestSupport;
import com.procledger.api.ledger.VerifyLedgerCommand;
import com.procledger.infra.ledger.Checkpoint;
import com.procledger.infra.ledger.LedgerExport;
import com.procledger.infra.ledger.LedgerHashing;
import com.procledger.infra.ledger.LedgerSigner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

class LedgerHttpTest extends HttpTestSupport {

    @TempDir
    Path files;

    @Test
    void complianceReadsTheTenantsLedgerAsNdjsonWithItsHashChain() {
        TestTenant tenant = newTenant();
        String compliance = tenant.addUser("compliance", List.of("COMPLIANCE"));
        tenant.raiseAndSubmit("10.00");

        Response events = get(tenant.path("/ledger/events"), compliance);
        assertThat(events.status()).as(events.body()).isEqualTo(200);
        assertThat(events.contentType()).startsWith("application/x-ndjson");
        List<JsonNode> lines = lines(events.body());
        assertThat(lines).extracting(line -> line.get("ledgerSeq").asLong())
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, lines.size()).boxed().toList());
        assertThat(lines.get(0).get("prevHash").asString()).isEqualTo("0".repeat(64));
        for (int i = 1; i < lines.size(); i++) {
            assertThat(lines.get(i).get("prevHash").asString()).isEqualTo(lines.get(i - 1).get("hash").asString());
        }
        // business events and access events share the tenant's chain; the read being answered is in it already
        assertThat(lines).filteredOn(line -> !line.get("eventType").asString().equals("AccessRecorded"))
                .last().satisfies(line -> assertThat(line.get("eventType").asString()).isEqualTo("RequisitionSubmitted"));
        assertThat(lines.get(lines.size() - 1).get("eventType").asString()).isEqualTo("AccessRecorded");
        assertThat(JSON.readTree(lines.get(lines.size() - 1).get("payload").asString()).get("action").asString())
                .isEqualTo("ledger.read");

        Response page = get(tenant.path("/ledger/events?fromSeq=2&limit=3"), compliance);
        assertThat(lines(page.body())).extracting(line -> line.get("ledgerSeq").asLong()).containsExactly(2L, 3L, 4L);

        Response verify = get(tenant.path("/ledger/verify"), compliance);
        assertThat(verify.status()).isEqualTo(200);
        assertThat(verify.json().get("valid").asBoolean()).isTrue();
        // the ledger grew by the page read's access event; this verification's own is recorded as it answers
        assertThat(verify.json().get("events").asLong()).isEqualTo(lines.size() + 1);
        assertThat(verify.json().get("headSeq").asLong()).isEqualTo(lines.size() + 1);
        List<JsonNode> now = lines(get(tenant.path("/ledger/events?fromSeq=" + (lines.size() + 1) + "&limit=1"), compliance).body());
        assertThat(verify.json().get("headHash").asString()).isEqualTo(now.get(0).get("hash").asString());
    }

    @Test
    void onlyComplianceOfTheTenantReadsItsLedgerButAnyoneReadsThePublicKey() {
        TestTenant tenant = newTenant();
        TestTenant other = newTenant();
        String otherCompliance = other.addUser("compliance", List.of("COMPLIANCE"));
        assertThat(get(tenant.path("/ledger/events"), tenant.requester).status()).isEqualTo(403);
        assertThat(get(tenant.path("/ledger/verify"), tenant.admin).status()).isEqualTo(403);
        assertThat(post(tenant.path("/ledger/checkpoints"), tenant.approver, null).status()).isEqualTo(403);
        assertThat(get(tenant.path("/ledger/events"), otherCompliance).status()).isEqualTo(404);
        assertThat(get(tenant.path("/ledger/verify"), null).status()).isEqualTo(401);
        Response key = get("/api/ledger/public-key", null);
        assertThat(key.status()).isEqualTo(200);
        assertThat(key.body()).startsWith("-----BEGIN PUBLIC KEY-----");
        assertThat(key.header("Key-Id")).hasSize(16);
    }

    @Test
    void aCheckpointOnDemandIsSignedByThePublishedKey() {
        TestTenant tenant = newTenant();
        String compliance = tenant.addUser("compliance", List.of("COMPLIANCE"));
        tenant.raise("5.00");
        Response taken = post(tenant.path("/ledger/checkpoints"), compliance, null);
        assertThat(taken.status()).as(taken.body()).isIn(200, 201);
        // the first request's own access event is new since: the next checkpoint covers it
        Response again = post(tenant.path("/ledger/checkpoints"), compliance, null);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.json().get("ledgerSeq").asLong()).isGreaterThan(taken.json().get("ledgerSeq").asLong());
        Response latest = get(tenant.path("/ledger/checkpoints/latest"), compliance);
        assertThat(latest.json()).isEqualTo(again.json());
        assertThat(latest.json().get("tenantId").asString()).isEqualTo(tenant.id.toString());

        Checkpoint checkpoint = LedgerExport.checkpoint(JSON.treeToValue(latest.json(), LedgerExport.CheckpointLine.class));
        var key = LedgerSigner.readPublicKey(get("/api/ledger/public-key", null).body());
        assertThat(checkpoint.signatureValid(key)).isTrue();
        List<JsonNode> ledger = lines(get(tenant.path("/ledger/events"), compliance).body());
        assertThat(checkpoint.ledgerSeq()).isLessThan(ledger.size());
        assertThat(ledger.get((int) checkpoint.ledgerSeq() - 1).get("hash").asString())
                .isEqualTo(LedgerHashing.hex(checkpoint.headHash()));
    }

    @Test
    void checkpointsAreTakenAutomaticallyAsTheLedgerGrows() throws Exception {
        TestTenant tenant = newTenant();
        String compliance = tenant.addUser("compliance", List.of("COMPLIANCE"));
        // a new tenant has no checkpoint: the scheduler takes one soon (checkpoint-check-interval is 200 ms here)
        long first = awaitCheckpointAtLeast(tenant, compliance, 1);
        for (int i = 0; i < 12; i++) {
            tenant.raiseAndSubmit("1.00");
        }
        long head = lines(get(tenant.path("/ledger/events"), compliance).body()).size();
        assertThat(head - first).isGreaterThanOrEqualTo(20);
        // 20 events later (checkpoint-every-events here) the next one is due; time alone (1 h) is not
        long next = awaitCheckpointAtLeast(tenant, compliance, first + 20);
        // every request (these polls too) appends its access event, so the head keeps moving: the checkpoint must
        // lie on the chain and be due by count, not by time
        long headNow = lines(get(tenant.path("/ledger/events"), compliance).body()).size();
        assertThat(next).isBetween(first + 20, headNow);
    }

    private long awaitCheckpointAtLeast(TestTenant tenant, String compliance, long seq) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        long covered = 0;
        while (covered < seq && System.nanoTime() < deadline) {
            Response latest = get(tenant.path("/ledger/checkpoints/latest"), compliance);
            covered = latest.status() == 200 ? latest.json().get("ledgerSeq").asLong() : 0;
            if (covered < seq) {
                Thread.sleep(100);
            }
        }
        assertThat(covered).as("a checkpoint at ledger_seq %d or later", seq).isGreaterThanOrEqualTo(seq);
        return covered;
    }

    @Test
    void theOfflineVerifierAcceptsTheExportAndNamesTheSequenceOfATamperedEvent() throws Exception {
        TestTenant tenant = newTenant();
        String compliance = tenant.addUser("compliance", List.of("COMPLIANCE"));
        tenant.raiseAndSubmit("10.00");
        post(tenant.path("/ledger/checkpoints"), compliance, null);
        Path events = Files.writeString(files.resolve("events.ndjson"), get(tenant.path("/ledger/events"), compliance).body());
        Path checkpoints = Files.writeString(files.resolve("checkpoints.json"), get(tenant.path("/ledger/checkpoints"), compliance).body());
        Path key = Files.writeString(files.resolve("key.pem"), get("/api/ledger/public-key", null).body());

        var ok = runVerifier(events, checkpoints, key);
        assertThat(ok.exit).as(ok.out + ok.err).isZero();
        assertThat(JSON.readTree(ok.out).get("valid").asBoolean()).isTrue();

        List<String> original = Files.readAllLines(events);
        List<String> tampered = new ArrayList<>(original);
        int victim = 0;
        while (!tampered.get(victim).contains("UserRegistered")) {
            victim++;
        }
        tampered.set(victim, tampered.get(victim).replace("TENANT_ADMIN", "COMPLIANCE"));
        assertThat(tampered.get(victim)).isNotEqualTo(original.get(victim));
        Path changed = Files.write(files.resolve("tampered.ndjson"), tampered);
        var bad = runVerifier(changed, checkpoints, key);
        assertThat(bad.exit).isEqualTo(1);
        assertThat(JSON.readTree(bad.out).get("firstInvalidSeq").asLong()).isEqualTo(victim + 1);

        // cut off where the signed checkpoint says the ledger went on (events after the last checkpoint, such as
        // the access event of the export itself, are beyond what an offline check can vouch for)
        int checkpointSeq = JSON.readTree(Files.readString(checkpoints)).get("items").get(0).get("ledgerSeq").asInt();
        List<String> truncated = original.subList(0, checkpointSeq - 1);
        var cut = runVerifier(Files.write(files.resolve("truncated.ndjson"), truncated), checkpoints, key);
        assertThat(cut.exit).isEqualTo(1);
        assertThat(JSON.readTree(cut.out).get("firstInvalidSeq").asLong()).isEqualTo(checkpointSeq);

        assertThat(runVerifier(events, checkpoints, null).exit).isEqualTo(2);
    }

    @Test
    void aCheckpointSignatureVerifiesWithOpenssl() throws Exception {
        assumeThat(Files.isExecutable(Path.of("/usr/bin/openssl"))).as("openssl installed").isTrue();
        TestTenant tenant = newTenant();
        String compliance = tenant.addUser("compliance", List.of("COMPLIANCE"));
        Checkpoint checkpoint = LedgerExport.checkpoint(JSON.treeToValue(
                post(tenant.path("/ledger/checkpoints"), compliance, null).json(), LedgerExport.CheckpointLine.class));
        Path key = Files.writeString(files.resolve("key.pem"), get("/api/ledger/public-key", null).body());
        Path message = Files.write(files.resolve("checkpoint.txt"), checkpoint.message());
        Path signature = Files.write(files.resolve("checkpoint.sig"), checkpoint.signature());
        Process openssl = new ProcessBuilder("/usr/bin/openssl", "pkeyutl", "-verify", "-pubin", "-inkey", key.toString(),
                "-rawin", "-in", message.toString(), "-sigfile", signature.toString()).redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(openssl.waitFor()).as(output).isZero();
        assertThat(output).contains("Signature Verified Successfully");
        assertThat(Files.readString(message)).startsWith("procledger-checkpoint-v2\ntenant_id=" + tenant.id)
                .contains("\nprev_ledger_seq=").contains("\nprev_signature_sha256=");
        assertThat(Base64.getEncoder().encodeToString(Files.readAllBytes(signature)))
                .isEqualTo(Base64.getEncoder().encodeToString(checkpoint.signature()));
    }

    @org.springframework.beans.factory.annotation.Autowired
    com.procledger.infra.ledger.LedgerKeys ledgerKeys;
    @org.springframework.beans.factory.annotation.Autowired
    javax.sql.DataSource dataSource;

    @Test
    void checkpointsOfSeveralInstancesOnOneDatabaseVerifyEverywhere() {
        TestTenant tenant = newTenant();
        String compliance = tenant.addUser("compliance", List.of("COMPLIANCE"));
        assertThat(post(tenant.path("/ledger/checkpoints"), compliance, null).status()).isIn(200, 201);
        // a second instance behind the same load balancer: its own data directory, so its own key, registered on start
        var other = LedgerSigner.generate();
        ledgerKeys.register(other, java.time.Instant.now());
        tenant.raise("3.00");
        var secondInstance = new com.procledger.infra.ledger.LedgerCheckpoints(dataSource, other, java.time.Clock.systemUTC());
        assertThat(secondInstance.take(tenant.id)).hasValueSatisfying(taken -> assertThat(taken.created()).isTrue());
        tenant.raise("4.00");
        assertThat(post(tenant.path("/ledger/checkpoints"), compliance, null).status()).isEqualTo(201);

        JsonNode report = get(tenant.path("/ledger/verify"), compliance).json();
        assertThat(report.get("valid").asBoolean()).as(report.toString()).isTrue();
        assertThat(report.get("checkpointsMatched").asInt()).isGreaterThanOrEqualTo(3);
        List<String> published = new ArrayList<>();
        get("/api/ledger/keys", null).json().get("keys").forEach(key -> published.add(key.get("keyId").asString()));
        assertThat(published).contains(other.keyId(), get("/api/ledger/public-key", null).header("Key-Id"));
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run runVerifier(Path events, Path checkpoints, Path key) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("--events", events.toString(), "--checkpoints", checkpoints.toString()));
        if (key != null) {
            args.addAll(Arrays.asList("--public-key", key.toString()));
        }
        int exit = VerifyLedgerCommand.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static List<JsonNode> lines(String ndjson) {
        return ndjson.lines().filter(line -> !line.isBlank()).map(JSON::readTree).toList();
    }
}
