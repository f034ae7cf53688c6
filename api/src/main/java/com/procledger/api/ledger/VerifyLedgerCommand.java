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
import java.util.List;
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
            usage: java -jar procledger.jar verify-ledger --bundle LEDGER.zip
               or: java -jar procledger.jar verify-ledger --events EVENTS.ndjson --public-key KEY.pem [--checkpoints CHECKPOINTS.json]
              LEDGER.zip        the answer of GET /api/tenants/{t}/ledger/export (events, checkpoints and key in one file)
              EVENTS.ndjson     the answer of GET /api/tenants/{t}/ledger/events
              CHECKPOINTS.json  the answer of GET /api/tenants/{t}/ledger/checkpoints (or a JSON array of checkpoints)
              KEY.pem           the answer of GET /api/ledger/public-key""";

    private VerifyLedgerCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path bundle = null;
        Path events = null;
        Path checkpointsFile = null;
        Path keyFile = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--bundle" -> bundle = value == null ? null : Path.of(value);
                case "--events" -> events = value == null ? null : Path.of(value);
                case "--checkpoints" -> checkpointsFile = value == null ? null : Path.of(value);
                case "--public-key" -> keyFile = value == null ? null : Path.of(value);
                default -> {
                    err.println("unknown argument " + args[i] + "\n" + USAGE);
                    return 2;
                }
            }
            i++;
        }
        boolean separateFiles = events != null || keyFile != null || checkpointsFile != null;
        if (bundle != null ? separateFiles : events == null || keyFile == null) {
            err.println(USAGE);
            return 2;
        }
        ObjectMapper mapper = LedgerSerializer.objectMapper();
        if (bundle != null) {
            try (var zip = new ZipFile(bundle.toFile(), StandardCharsets.UTF_8)) {
                PublicKey key = LedgerSigner.readPublicKey(new String(
                        zip.getInputStream(entry(zip, LedgerController.BUNDLE_PUBLIC_KEY)).readAllBytes(), StandardCharsets.UTF_8));
                List<Checkpoint> checkpoints = readCheckpoints(mapper,
                        mapper.readTree(zip.getInputStream(entry(zip, LedgerController.BUNDLE_CHECKPOINTS))));
                return verify(mapper, key, checkpoints, new BufferedReader(new InputStreamReader(
                        zip.getInputStream(entry(zip, LedgerController.BUNDLE_EVENTS)), StandardCharsets.UTF_8)), out, err);
            } catch (IOException | RuntimeException e) {
                err.println("cannot verify: " + e.getMessage());
                return 2;
            }
        }
        try {
            PublicKey key = LedgerSigner.readPublicKey(Files.readString(keyFile));
            List<Checkpoint> checkpoints = checkpointsFile == null ? List.of()
                    : readCheckpoints(mapper, mapper.readTree(checkpointsFile.toFile()));
            return verify(mapper, key, checkpoints, Files.newBufferedReader(events, StandardCharsets.UTF_8), out, err);
        } catch (IOException | RuntimeException e) {
            err.println("cannot verify: " + e.getMessage());
            return 2;
        }
    }

    private static ZipEntry entry(ZipFile zip, String name) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) {
            throw new IOException(name + " is missing from the bundle");
        }
        return entry;
    }

    /** Checks the events of {@code events} (closed afterwards); prints the report; 0 valid, 1 not, 2 unusable. */
    private static int verify(ObjectMapper mapper, PublicKey key, List<Checkpoint> checkpoints, BufferedReader events,
                              PrintStream out, PrintStream err) throws IOException {
        var verifier = new ChainVerifier(checkpoints, key);
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
        out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        return report.valid() ? 0 : 1;
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
