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
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code java -jar procledger.jar verify-ledger --events E --checkpoints C --public-key K}: checks an exported
 * tenant ledger with no database and no server. Prints the report as JSON; exits 0 when valid, 1 when not, 2 on
 * bad usage or unreadable files.
 */
public final class VerifyLedgerCommand {

    public static final String NAME = "verify-ledger";
    private static final String USAGE = """
            usage: java -jar procledger.jar verify-ledger --events EVENTS.ndjson --public-key KEY.pem [--checkpoints CHECKPOINTS.json]
              EVENTS.ndjson     the answer of GET /api/tenants/{t}/ledger/events
              CHECKPOINTS.json  the answer of GET /api/tenants/{t}/ledger/checkpoints (or a JSON array of checkpoints)
              KEY.pem           the answer of GET /api/ledger/public-key""";

    private VerifyLedgerCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path events = null;
        Path checkpointsFile = null;
        Path keyFile = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
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
        if (events == null || keyFile == null) {
            err.println(USAGE);
            return 2;
        }
        ObjectMapper mapper = LedgerSerializer.objectMapper();
        try {
            PublicKey key = LedgerSigner.readPublicKey(Files.readString(keyFile));
            List<Checkpoint> checkpoints = checkpointsFile == null ? List.of() : readCheckpoints(mapper, checkpointsFile);
            var verifier = new ChainVerifier(checkpoints, key);
            UUID tenant = null;
            try (BufferedReader lines = Files.newBufferedReader(events, StandardCharsets.UTF_8)) {
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
        } catch (IOException | RuntimeException e) {
            err.println("cannot verify: " + e.getMessage());
            return 2;
        }
    }

    private static List<Checkpoint> readCheckpoints(ObjectMapper mapper, Path file) throws IOException {
        JsonNode root = mapper.readTree(file.toFile());
        JsonNode items = root.isArray() ? root : root.path("items");
        List<Checkpoint> checkpoints = new ArrayList<>();
        for (JsonNode item : items) {
            checkpoints.add(LedgerExport.checkpoint(mapper.treeToValue(item, LedgerExport.CheckpointLine.class)));
        }
        return checkpoints;
    }
}
