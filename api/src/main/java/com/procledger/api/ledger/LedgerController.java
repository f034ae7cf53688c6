package com.procledger.api.ledger;

import com.procledger.api.http.Caller;
import com.procledger.domain.DomainException;
import com.procledger.domain.identity.Role;
import com.procledger.infra.ledger.ChainVerifier;
import com.procledger.infra.ledger.LedgerCheckpoints;
import com.procledger.infra.ledger.LedgerExport;
import com.procledger.infra.ledger.LedgerExport.CheckpointLine;
import com.procledger.infra.ledger.LedgerReader;
import com.procledger.infra.ledger.LedgerKeys;
import com.procledger.infra.ledger.LedgerSigner;
import com.procledger.infra.ledger.PipelinedVerification;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The ledger for compliance teams: its events as NDJSON with their hashes, verification of the chain and of the
 * signed checkpoints, checkpoints on demand, and the public key that checks them.
 */
@RestController
public class LedgerController {

    public static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");
    public static final MediaType PEM = MediaType.parseMediaType("application/x-pem-file");
    public static final MediaType ZIP = MediaType.parseMediaType("application/zip");
    public static final String BUNDLE_EVENTS = "events.ndjson";
    public static final String BUNDLE_CHECKPOINTS = "checkpoints.json";
    public static final String BUNDLE_PUBLIC_KEY = "public-key.pem";
    public static final String BUNDLE_MANIFEST = "manifest.json";
    public static final String BUNDLE_KEYS = "keys.json";

    private final LedgerReader reader;
    private final LedgerCheckpoints checkpoints;
    private final LedgerSigner signer;
    private final LedgerKeys keys;
    private final JsonMapper json;

    public LedgerController(LedgerReader reader, LedgerCheckpoints checkpoints, LedgerSigner signer, LedgerKeys keys,
                            JsonMapper json) {
        this.reader = reader;
        this.checkpoints = checkpoints;
        this.signer = signer;
        this.keys = keys;
        this.json = json;
    }

    /** A signing key as published: {@code validUntil} absent while it still signs. */
    public record PublishedKey(String keyId, String algorithm, String publicKey, String validFrom, String validUntil) {
        static PublishedKey of(LedgerKeys.Key key) {
            return new PublishedKey(key.keyId(), key.algorithm(), key.publicKey(), key.validFrom().toString(),
                    key.validUntil() == null ? null : key.validUntil().toString());
        }
    }

    public record Keys(List<PublishedKey> keys) {
    }

    /** Every key that ever signed checkpoints, of every instance: a checkpoint verifies against the key it names. */
    @GetMapping("/api/ledger/keys")
    public Keys keys() {
        return new Keys(keys.all().stream().map(PublishedKey::of).toList());
    }

    public record Items<T>(List<T> items) {
    }

    @GetMapping("/api/tenants/{tenantId}/ledger/events")
    public ResponseEntity<StreamingResponseBody> events(@PathVariable UUID tenantId,
                                                        @RequestParam(defaultValue = "1") long fromSeq,
                                                        @RequestParam(required = false) Long limit, Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.COMPLIANCE);
        if (fromSeq < 1 || (limit != null && limit < 1)) {
            throw new DomainException.Invalid("fromSeq and limit must be 1 or more");
        }
        StreamingResponseBody body = out -> {
            var buffered = new BufferedOutputStream(out, 1 << 16);
            try {
                reader.inSnapshot(snapshot -> snapshot.forEach(tenantId, fromSeq, limit == null ? Long.MAX_VALUE : limit,
                        record -> {
                            buffered.write(json.writeValueAsBytes(LedgerExport.line(record)));
                            buffered.write('\n');
                        }));
            } catch (java.io.IOException e) {
                throw e;
            } catch (Exception e) {
                throw new java.io.IOException("could not read the ledger", e);
            }
            buffered.flush();
        };
        return ResponseEntity.ok().contentType(NDJSON).body(body);
    }

    /** What the bundle says about itself, written last (after the events were counted). */
    public record BundleManifest(UUID tenantId, String exportedAt, long events, long headSeq, String keyId,
                                 int checkpoints, List<String> keyIds, String verifyWith) {
    }

    /**
     * The tenant's ledger for the offline verifier, as one ZIP streamed to the client: {@code checkpoints.json} and
     * {@code public-key.pem} first, then {@code events.ndjson} read in one snapshot taken after the checkpoints (so
     * every checkpoint lies inside the exported events), then {@code manifest.json}.
     */
    @GetMapping("/api/tenants/{tenantId}/ledger/export")
    public ResponseEntity<StreamingResponseBody> export(@PathVariable UUID tenantId, Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.COMPLIANCE);
        StreamingResponseBody body = out -> {
            var zip = new ZipOutputStream(new BufferedOutputStream(out, 1 << 16), StandardCharsets.UTF_8);
            List<CheckpointLine> lines = checkpoints.all(tenantId).stream().map(LedgerExport::line).toList();
            zip.putNextEntry(new ZipEntry(BUNDLE_CHECKPOINTS));
            zip.write(json.writeValueAsBytes(new Items<>(lines)));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(BUNDLE_PUBLIC_KEY));
            zip.write(signer.publicKeyPem().getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            List<PublishedKey> published = keys.all().stream().map(PublishedKey::of).toList();
            zip.putNextEntry(new ZipEntry(BUNDLE_KEYS));
            zip.write(json.writeValueAsBytes(new Keys(published)));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(BUNDLE_EVENTS));
            long[] countAndHead = new long[2];
            try {
                reader.inSnapshot(snapshot -> snapshot.forEach(tenantId, 1, Long.MAX_VALUE, record -> {
                    zip.write(json.writeValueAsBytes(LedgerExport.line(record)));
                    zip.write('\n');
                    countAndHead[0]++;
                    countAndHead[1] = record.ledgerSeq();
                }));
            } catch (java.io.IOException e) {
                throw e;
            } catch (Exception e) {
                throw new java.io.IOException("could not read the ledger", e);
            }
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(BUNDLE_MANIFEST));
            zip.write(json.writerWithDefaultPrettyPrinter().writeValueAsBytes(new BundleManifest(tenantId,
                    Instant.now().toString(), countAndHead[0], countAndHead[1], signer.keyId(), lines.size(),
                    published.stream().map(PublishedKey::keyId).toList(),
                    "java -jar procledger.jar " + VerifyLedgerCommand.NAME + " --bundle THIS_FILE.zip")));
            zip.closeEntry();
            zip.finish();
            zip.flush();
        };
        return ResponseEntity.ok().contentType(ZIP)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"ledger-" + tenantId + ".zip\"")
                .body(body);
    }

    @GetMapping("/api/tenants/{tenantId}/ledger/verify")
    public ChainVerifier.Report verify(@PathVariable UUID tenantId, Caller caller) throws Exception {
        caller.requireMemberWithRole(tenantId, Role.COMPLIANCE);
        return reader.inSnapshot(snapshot -> PipelinedVerification.run(snapshot, tenantId,
                new ChainVerifier(checkpoints.all(tenantId), keys.byId())));
    }

    /** Signs the current head: 201 with a new checkpoint, or 200 with the latest when nothing was added since. */
    @PostMapping("/api/tenants/{tenantId}/ledger/checkpoints")
    public ResponseEntity<CheckpointLine> checkpoint(@PathVariable UUID tenantId, Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.COMPLIANCE);
        var taken = checkpoints.take(tenantId).orElseThrow(() -> new DomainException.NotFound("no ledger events yet"));
        return ResponseEntity.status(taken.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .body(LedgerExport.line(taken.checkpoint()));
    }

    @GetMapping("/api/tenants/{tenantId}/ledger/checkpoints/latest")
    public CheckpointLine latest(@PathVariable UUID tenantId, Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.COMPLIANCE);
        return checkpoints.latest(tenantId).map(LedgerExport::line)
                .orElseThrow(() -> new DomainException.NotFound("no checkpoint yet"));
    }

    @GetMapping("/api/tenants/{tenantId}/ledger/checkpoints")
    public Items<CheckpointLine> all(@PathVariable UUID tenantId, Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.COMPLIANCE);
        return new Items<>(checkpoints.all(tenantId).stream().map(LedgerExport::line).toList());
    }

    @GetMapping("/api/ledger/public-key")
    public ResponseEntity<String> publicKey() {
        return ResponseEntity.ok().contentType(PEM).header("Key-Id", signer.keyId()).body(signer.publicKeyPem());
    }
}
