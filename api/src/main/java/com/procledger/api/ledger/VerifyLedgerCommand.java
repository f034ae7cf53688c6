package com.procledger.api.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.procledger.infra.ledger.ChainVerifier;
import com.procledger.infra.ledger.Checkpoint;
import com.procledger.infra.ledger.LedgerExport;
import com.procledger.infra.ledger.LedgerSerializer;
import com.procledger.infra.ledger.LedgerSigner;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * {@code java -jar procledger.jar verify-ledger --bundle B} (or {@code --events E --checkpoints C --public-key K}): checks an exported
 * tenant ledger with no database and no server. Prints the report as JSON; exits 0 when valid, 1 when not, 2 on
 * bad usage or unreadable files.
 */
public final class VerifyLedgerCommand {

    public static final String NAME = "verify-ledger";
    private static final String USAGE = """
            usage: java -jar procledger.jar verify-ledger --bundle LEDGER.zip [--keys KEYS.json] [--public-key KEY.pem ...]
               or: java -jar procledger.jar verify-ledger --events EVENTS.ndjson (--keys KEYS.json | --public-key KEY.pem ...)
                                                          [--checkpoints CHECKPOINTS.json]
              LEDGER.zip        the answer of GET /api/tenants/{t}/ledger/export (events, checkpoints, keys, manifest)
              EVENTS.ndjson     the answer of GET /api/tenants/{t}/ledger/events
              CHECKPOINTS.json  the answer of GET /api/tenants/{t}/ledger/checkpoints (or a JSON array of checkpoints)
              KEYS.json         the answer of GET /api/ledger/keys: every key that ever signed
              KEY.pem           a public key (GET /api/ledger/public-key), repeatable
            Keys given with --keys or --public-key are pinned: with --bundle, the bundle's own keys are then not trusted.""";

    private VerifyLedgerCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path bundle = null;
        Path events = null;
        Path checkpointsFile = null;
        Path keysFile = null;
        List<Path> keyFiles = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (value == null) {
                err.println(args[i] + " needs a value\n" + USAGE);
                return 2;
            }
            switch (args[i]) {
                case "--bundle" -> bundle = Path.of(value);
                case "--events" -> events = Path.of(value);
                case "--checkpoints" -> checkpointsFile = Path.of(value);
                case "--keys" -> keysFile = Path.of(value);
                case "--public-key" -> keyFiles.add(Path.of(value));
                default -> {
                    err.println("unknown argument " + args[i] + "\n" + USAGE);
                    return 2;
                }
            }
            i++;
        }
        boolean pinned = keysFile != null || !keyFiles.isEmpty();
        boolean separateFiles = events != null || checkpointsFile != null;
        if (bundle != null ? separateFiles : events == null || !pinned) {
            err.println(USAGE);
            return 2;
        }
        ObjectMapper mapper = LedgerSerializer.objectMapper();
        Map<String, PublicKey> pinnedKeys;
        try {
            pinnedKeys = keys(mapper, keysFile, keyFiles);
        } catch (IOException | RuntimeException e) {
            err.println("cannot read the keys: " + e.getMessage());
            return 2;
        }
        if (bundle != null) {
            try (var zip = new ZipFile(bundle.toFile(), StandardCharsets.UTF_8)) {
                Map<String, PublicKey> keys = pinned ? pinnedKeys : bundleKeys(mapper, zip);
                List<Checkpoint> checkpoints = readCheckpoints(mapper,
                        mapper.readTree(zip.getInputStream(entry(zip, LedgerController.BUNDLE_CHECKPOINTS))));
                ZipEntry manifest = zip.getEntry(LedgerController.BUNDLE_MANIFEST);
                JsonNode said = manifest == null ? null : mapper.readTree(zip.getInputStream(manifest));
                return verify(mapper, keys, checkpoints, new BufferedReader(new InputStreamReader(
                        zip.getInputStream(entry(zip, LedgerController.BUNDLE_EVENTS)), StandardCharsets.UTF_8)), said, out, err);
            } catch (IOException | RuntimeException e) {
                err.println("cannot verify: " + e.getMessage());
                return 2;
            }
        }
        try {
            List<Checkpoint> checkpoints = checkpointsFile == null ? List.of()
                    : readCheckpoints(mapper, mapper.readTree(checkpointsFile.toFile()));
            return verify(mapper, pinnedKeys, checkpoints, Files.newBufferedReader(events, StandardCharsets.UTF_8), null,
                    out, err);
        } catch (IOException | RuntimeException e) {
            err.println("cannot verify: " + e.getMessage());
            return 2;
        }
    }

    /** The pinned keys: those of a keys document (GET /api/ledger/keys) and of PEM files. */
    private static Map<String, PublicKey> keys(ObjectMapper mapper, Path keysFile, List<Path> pemFiles) throws IOException {
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        if (keysFile != null) {
            keys.putAll(keysOf(mapper.readTree(keysFile.toFile())));
        }
        for (Path pem : pemFiles) {
            PublicKey key = LedgerSigner.readPublicKey(Files.readString(pem));
            keys.put(LedgerSigner.keyIdOf(key), key);
        }
        return keys;
    }

    /** A bundle's own keys: every key it lists, and the current one. */
    private static Map<String, PublicKey> bundleKeys(ObjectMapper mapper, ZipFile zip) throws IOException {
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        ZipEntry listed = zip.getEntry(LedgerController.BUNDLE_KEYS);
        if (listed != null) {
            keys.putAll(keysOf(mapper.readTree(zip.getInputStream(listed))));
        }
        PublicKey current = LedgerSigner.readPublicKey(new String(
                zip.getInputStream(entry(zip, LedgerController.BUNDLE_PUBLIC_KEY)).readAllBytes(), StandardCharsets.UTF_8));
        keys.put(LedgerSigner.keyIdOf(current), current);
        return keys;
    }

    /** Keys by id, each id checked against its key (a key listed under another's id is refused). */
    private static Map<String, PublicKey> keysOf(JsonNode document) {
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        for (JsonNode item : document.path("keys")) {
            PublicKey key = LedgerSigner.readPublicKey(item.path("publicKey").asText());
            String id = LedgerSigner.keyIdOf(key);
            if (!id.equals(item.path("keyId").asText())) {
                throw new IllegalArgumentException("key " + item.path("keyId").asText() + " is listed with the key of " + id);
            }
            keys.put(id, key);
        }
        return keys;
    }

    private static ZipEntry entry(ZipFile zip, String name) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) {
            throw new IOException(name + " is missing from the bundle");
        }
        return entry;
    }

    /** Checks the events of {@code events} (closed afterwards); prints the report; 0 valid, 1 not, 2 unusable. */
    private static int verify(ObjectMapper mapper, Map<String, PublicKey> keys, List<Checkpoint> checkpoints,
                              BufferedReader events, JsonNode manifest, PrintStream out, PrintStream err) throws IOException {
        var verifier = new ChainVerifier(checkpoints, keys);
        UUID tenant = null;
        try (BufferedReader lines = events) {
            String line;
            int number = 0;
            while ((line = lines.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                var record = LedgerExport.record(mapper.readValue(line, LedgerExport.EventLine.class));
                if (tenant == null) {
                    tenant = record.tenantId();
                } else if (!tenant.equals(record.tenantId())) {
                    err.println("line " + number + " belongs to tenant " + record.tenantId() + ", not " + tenant
                            + ": export one tenant at a time");
                    return 2;
                }
                verifier.accept(record);
            }
        }
        ChainVerifier.Report report = verifier.finish(0);
        if (manifest != null) {
            report = againstManifest(report, manifest, tenant);
        }
        out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        return report.valid() ? 0 : 1;
    }

    /** The bundle's manifest must describe the events it came with: same tenant, same count, same head. */
    private static ChainVerifier.Report againstManifest(ChainVerifier.Report report, JsonNode manifest, UUID tenant) {
        String saidTenant = manifest.path("tenantId").asText(null);
        long saidEvents = manifest.path("events").asLong(-1);
        long saidHead = manifest.path("headSeq").asLong(-1);
        String why = null;
        if (saidTenant == null || tenant != null && !saidTenant.equals(tenant.toString())) {
            why = "the manifest names tenant " + saidTenant + ", the events are tenant " + tenant + "'s";
        } else if (saidEvents != report.events() || saidHead != report.headSeq()) {
            why = "the manifest says " + saidEvents + " events up to ledger_seq " + saidHead + ", the bundle holds "
                    + report.events() + " up to " + report.headSeq() + ": events were removed or added";
        }
        if (why == null) {
            return report;
        }
        long first = Math.min(report.firstInvalidSeq() == null ? Long.MAX_VALUE : report.firstInvalidSeq(),
                Math.min(report.headSeq(), Math.max(0, saidHead)) + 1);
        return new ChainVerifier.Report(false, report.events(), report.headSeq(), report.headHash(), first,
                report.valid() ? why : report.reason(), report.checkpoints(), report.checkpointsMatched(),
                report.uncoveredEvents());
    }

    private static List<Checkpoint> readCheckpoints(ObjectMapper mapper, JsonNode root) throws IOException {
        JsonNode items = root.isArray() ? root : root.path("items");
        List<Checkpoint> checkpoints = new ArrayList<>();
        for (JsonNode item : items) {
            checkpoints.add(LedgerExport.checkpoint(mapper.treeToValue(item, LedgerExport.CheckpointLine.class)));
        }
        return checkpoints;
    }
}
