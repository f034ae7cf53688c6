package com.procledger.api.investigation;

import com.procledger.api.access.AccessContext;
import com.procledger.api.export.CsvWriter;
import com.procledger.api.export.ExportController;
import com.procledger.api.identity.Caller;
import com.procledger.domain.DomainException;
import com.procledger.domain.identity.Role;
import com.procledger.infra.ledger.LedgerSearch;
import com.procledger.infra.ledger.LedgerSearch.Criteria;
import com.procledger.infra.ledger.LedgerSearch.Hit;
import com.procledger.infra.ledger.LedgerSearch.Summary;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.json.JsonMapper;

import javax.sql.DataSource;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Breach-investigation timelines: for a time window and indicators (user, token id, IP address or CIDR range,
 * resource, action), the matching access and business events in order, each with its {@code ledger_seq} and hash,
 * and who and what they touch. COMPLIANCE investigates its own tenant; an OPERATOR across tenants. Every
 * investigation is an access event in the ledger whose resource names its criteria.
 */
@RestController
public class InvestigationController {

    /** The most events a JSON answer carries; the NDJSON and CSV answers stream every one. */
    public static final int JSON_LIMIT = 10_000;
    static final String[] COLUMNS = {"tenantId", "ledgerSeq", "hash", "at", "eventType", "actor", "action", "resource",
            "outcome", "status", "ip", "tokenId", "aggregateType", "aggregateId"};

    private final LedgerSearch search;
    private final TransactionTemplate readOnly;
    private final JsonMapper json;

    public InvestigationController(DataSource dataSource, PlatformTransactionManager transactions, JsonMapper json) {
        this.search = new LedgerSearch(dataSource);
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        this.json = json;
    }

    public record InvestigationRequest(@NotNull Instant from, @NotNull Instant to, UUID tenantId,
                                       @Size(max = 100) String actor, @Size(max = 100) String tokenId,
                                       @Size(max = 64) String ip, @Size(max = 2000) String resource,
                                       @Size(max = 100) String action) {
    }

    public record Affected(List<UUID> tenants, List<String> users, List<String> records) {
    }

    public record Timeline(List<Hit> events, long total, boolean truncated, Affected affected) {
    }

    @PostMapping("/api/tenants/{tenantId}/investigations")
    public ResponseEntity<StreamingResponseBody> inTenant(@PathVariable UUID tenantId, @Valid @RequestBody InvestigationRequest request,
                                      @RequestParam(defaultValue = "json") String format, Caller caller,
                                      HttpServletRequest http) {
        caller.requireMemberWithRole(tenantId, Role.COMPLIANCE);
        if (request.tenantId() != null && !request.tenantId().equals(tenantId)) {
            throw new DomainException.Invalid("tenantId in the body must be the tenant of the path, or left out");
        }
        return investigate(criteria(request, tenantId), format, http);
    }

    @PostMapping("/api/investigations")
    public ResponseEntity<StreamingResponseBody> acrossTenants(@Valid @RequestBody InvestigationRequest request,
                                           @RequestParam(defaultValue = "json") String format, Caller caller,
                                           HttpServletRequest http) {
        caller.requireAnyRole(Role.OPERATOR);
        return investigate(criteria(request, request.tenantId()), format, http);
    }

    private Criteria criteria(InvestigationRequest r, UUID tenantId) {
        if (!r.from().isBefore(r.to())) {
            throw new DomainException.Invalid("from must be before to");
        }
        if (r.ip() != null && !search.validAddress(r.ip())) {
            throw new DomainException.Invalid("ip must be an IP address or a CIDR range such as 10.0.0.0/8");
        }
        return new Criteria(r.from(), r.to(), tenantId, blank(r.actor()), blank(r.tokenId()), blank(r.ip()),
                blank(r.resource()), blank(r.action()));
    }

    private ResponseEntity<StreamingResponseBody> investigate(Criteria criteria, String format, HttpServletRequest http) {
        // the investigation itself goes into the ledger with the access event of this request
        AccessContext.of(http).resource("investigation " + json.writeValueAsString(criteria));
        return switch (format) {
            case "json" -> {
                Summary summary = readOnly.execute(status -> search.summary(criteria));
                List<Hit> events = new ArrayList<>();
                stream(criteria, JSON_LIMIT, events::add);
                // read before the answer starts, so that a failure is still a problem answer
                byte[] body = json.writeValueAsBytes(new Timeline(events, summary.events(),
                        summary.events() > events.size(), new Affected(summary.tenants(), summary.users(), summary.records())));
                yield ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(out -> out.write(body));
            }
            case "ndjson" -> ResponseEntity.ok().contentType(ExportController.NDJSON)
                    .header(ExportController.EXPECTED_ROWS, expected(criteria))
                    .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"investigation.ndjson\"")
                    .body(out -> {
                        var buffered = new BufferedOutputStream(out, 1 << 16);
                        stream(criteria, Long.MAX_VALUE, hit -> write(() -> {
                            buffered.write(json.writeValueAsBytes(hit));
                            buffered.write('\n');
                        }));
                        buffered.flush();
                    });
            case "csv" -> ResponseEntity.ok().contentType(ExportController.CSV)
                    .header(ExportController.EXPECTED_ROWS, expected(criteria))
                    .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"investigation.csv\"")
                    .body(out -> {
                        var writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
                        var csv = new CsvWriter(writer);
                        for (String column : COLUMNS) {
                            csv.field(column);
                        }
                        csv.endRecord();
                        stream(criteria, Long.MAX_VALUE, hit -> write(() -> {
                            csv.field(hit.tenantId()).field(hit.ledgerSeq()).field(hit.hash()).field(hit.at())
                                    .field(hit.eventType()).text(hit.actor()).field(hit.action()).text(hit.resource())
                                    .field(hit.outcome()).field(hit.status()).field(hit.ip()).field(hit.tokenId())
                                    .field(hit.aggregateType()).field(hit.aggregateId());
                            csv.endRecord();
                        }));
                        writer.flush();
                    });
            default -> throw new DomainException.Invalid("format must be json, ndjson or csv");
        };
    }

    /** The number of events a streamed answer will carry, counted before it starts (progress for the client). */
    private String expected(Criteria criteria) {
        return String.valueOf(readOnly.execute(status -> search.summary(criteria)).events());
    }

    private void stream(Criteria criteria, long limit, Consumer<Hit> hit) {
        readOnly.executeWithoutResult(status -> search.forEach(criteria, limit, hit));
    }

    private interface Write {
        void run() throws IOException;
    }

    private static void write(Write write) {
        try {
            write.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
