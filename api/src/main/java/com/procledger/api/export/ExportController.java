package com.procledger.api.export;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.procledger.api.database.TenantScopedDataSource;
import com.procledger.api.http.Caller;
import com.procledger.domain.identity.Role;
import com.procledger.domain.requisition.RequisitionStatus;
import com.procledger.projections.analytics.SpendAnalytics;
import com.procledger.projections.analytics.SpendAnalytics.SpendStatus;
import com.procledger.projections.requisition.RequisitionViews;
import com.procledger.projections.requisition.RequisitionViews.ExportRow;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

import static com.procledger.api.http.QueryParameters.option;
import static com.procledger.api.http.QueryParameters.time;

/**
 * Requisitions (for finance, analysts and compliance) and spend lines (for finance and analysts) as CSV (RFC 4180,
 * with a header row) and NDJSON. All stream from a database cursor to the client: memory stays flat for a million
 * rows, and no row is held back for long.
 */
@RestController
public class ExportController {

    public static final MediaType CSV = MediaType.parseMediaType("text/csv;charset=UTF-8;header=present");
    public static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");
    /** How many rows (or events) a streamed answer will carry, counted before it starts: progress for the client. */
    public static final String EXPECTED_ROWS = "X-Expected-Rows";

    /** The CSV columns, in order; NDJSON lines carry the same fields plus the lines of each requisition. */
    static final String[] COLUMNS = {"id", "status", "title", "department", "vendor", "currency", "total",
            "requesterId", "policyVersion", "createdAt", "updatedAt", "neededBy", "justification", "decisionReason",
            "lastLedgerSeq"};

    /** The spend export's columns: one row per requisition line, committed (APPROVED) or pending (SUBMITTED). */
    static final String[] SPEND_COLUMNS = {"requisitionId", "lineNo", "status", "department", "category", "vendor",
            "currency", "amount", "spentAt", "raisedAt", "submittedAt", "decidedAt"};

    private final RequisitionViews requisitions;
    private final SpendAnalytics spend;
    private final TransactionTemplate readOnly;
    private final JsonMapper json;

    public ExportController(RequisitionViews requisitions, SpendAnalytics spend, PlatformTransactionManager transactions,
                            JsonMapper json) {
        this.requisitions = requisitions;
        this.spend = spend;
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        this.json = json;
    }

    /** One NDJSON line: the row's fields, with {@code lines} as the JSON array it is stored as. */
    public record RequisitionLine(UUID id, String status, String title, String department, String vendor,
                                  String currency, String total, UUID requesterId, Integer policyVersion,
                                  Instant createdAt, Instant updatedAt, LocalDate neededBy, String justification,
                                  String decisionReason, @JsonRawValue String lines, long lastLedgerSeq) {

        static RequisitionLine of(ExportRow r) {
            return new RequisitionLine(r.id(), r.status(), r.title(), r.department(), r.vendor(), r.currency(),
                    r.total(), r.requesterId(), r.policyVersion(), r.createdAt(), r.updatedAt(), r.neededBy(),
                    r.justification(), r.decisionReason(), r.linesJson(), r.lastLedgerSeq());
        }
    }

    @GetMapping("/api/tenants/{tenantId}/exports/requisitions.csv")
    public ResponseEntity<StreamingResponseBody> csv(@PathVariable UUID tenantId,
                                                     @RequestParam(required = false) RequisitionStatus status,
                                                     @RequestParam(required = false) String department, Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.FINANCE, Role.ANALYST, Role.COMPLIANCE);
        StreamingResponseBody body = csvBody(tenantId, COLUMNS, csv -> () -> requisitions.forEachForExport(tenantId,
                status, department, writing(row -> {
                    csv.field(row.id()).field(row.status()).text(row.title()).text(row.department()).text(row.vendor())
                            .field(row.currency()).field(row.total()).field(row.requesterId())
                            .field(row.policyVersion()).field(row.createdAt()).field(row.updatedAt())
                            .field(row.neededBy()).text(row.justification()).text(row.decisionReason())
                            .field(row.lastLedgerSeq());
                    csv.endRecord();
                })));
        return attachment("requisitions", tenantId, "csv", CSV, requisitions.countForExport(tenantId, status, department),
                body);
    }

    @GetMapping("/api/tenants/{tenantId}/exports/requisitions.ndjson")
    public ResponseEntity<StreamingResponseBody> ndjson(@PathVariable UUID tenantId,
                                                        @RequestParam(required = false) RequisitionStatus status,
                                                        @RequestParam(required = false) String department, Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.FINANCE, Role.ANALYST, Role.COMPLIANCE);
        StreamingResponseBody body = ndjsonBody(tenantId, out -> () -> requisitions.forEachForExport(tenantId, status,
                department, writing(row -> ndjsonLine(out, RequisitionLine.of(row)))));
        return attachment("requisitions", tenantId, "ndjson", NDJSON,
                requisitions.countForExport(tenantId, status, department), body);
    }

    @GetMapping("/api/tenants/{tenantId}/exports/spend.csv")
    public ResponseEntity<StreamingResponseBody> spendCsv(@PathVariable UUID tenantId,
                                                          @ParameterObject SpendParameters parameters, Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.FINANCE, Role.ANALYST);
        var query = parameters.query();
        StreamingResponseBody body = csvBody(tenantId, SPEND_COLUMNS, csv -> () -> spend.forEachLine(tenantId,
                query.statuses(), query.filter(), writing(line -> {
                    csv.field(line.requisitionId()).field(line.lineNo()).field(line.status()).text(line.department())
                            .text(line.category()).text(line.vendor()).field(line.currency()).field(line.amount())
                            .field(line.spentAt()).field(line.raisedAt()).field(line.submittedAt())
                            .field(line.decidedAt());
                    csv.endRecord();
                })));
        return attachment("spend", tenantId, "csv", CSV, spend.countLines(tenantId, query.statuses(), query.filter()),
                body);
    }

    @GetMapping("/api/tenants/{tenantId}/exports/spend.ndjson")
    public ResponseEntity<StreamingResponseBody> spendNdjson(@PathVariable UUID tenantId,
                                                             @ParameterObject SpendParameters parameters, Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.FINANCE, Role.ANALYST);
        var query = parameters.query();
        StreamingResponseBody body = ndjsonBody(tenantId, out -> () -> spend.forEachLine(tenantId, query.statuses(),
                query.filter(), writing(line -> ndjsonLine(out, line))));
        return attachment("spend", tenantId, "ndjson", NDJSON,
                spend.countLines(tenantId, query.statuses(), query.filter()), body);
    }

    /**
     * The spend export's query parameters (bound by name): both kinds of spend unless {@code status} names one, and
     * the filters of the spend analytics.
     */
    public record SpendParameters(String status, String from, String to, String department, String category,
                                  String vendor) {

        SpendQuery query() {
            SpendStatus one = option(SpendStatus.class, "status", status);
            return new SpendQuery(one == null ? List.of(SpendStatus.values()) : List.of(one),
                    new SpendAnalytics.Filter(time("from", from), time("to", to), department, category, vendor));
        }
    }

    private record SpendQuery(List<SpendStatus> statuses, SpendAnalytics.Filter filter) {
    }

    /** A CSV answer: the header row, then what {@code read} writes with the CSV writer it is given. */
    private StreamingResponseBody csvBody(UUID tenantId, String[] columns, Function<CsvWriter, Runnable> read) {
        return out -> {
            var writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            var csv = new CsvWriter(writer);
            for (String column : columns) {
                csv.field(column);
            }
            csv.endRecord();
            stream(tenantId, read.apply(csv));
            writer.flush();
        };
    }

    /** An NDJSON answer: what {@code read} writes to the (buffered) stream it is given. */
    private StreamingResponseBody ndjsonBody(UUID tenantId, Function<OutputStream, Runnable> read) {
        return out -> {
            OutputStream buffered = new BufferedOutputStream(out, 1 << 16);
            stream(tenantId, read.apply(buffered));
            buffered.flush();
        };
    }

    /** Reads on the response's own thread, in a read-only transaction (for the cursor), as the tenant (RLS). */
    private void stream(UUID tenantId, Runnable read) throws IOException {
        TenantScopedDataSource.streamAs(tenantId, readOnly, read);
    }

    /** Writes each row with {@code write}, turning its IOException into one the stream rethrows as is. */
    private static <T> Consumer<T> writing(IoConsumer<T> write) {
        return row -> {
            try {
                write.accept(row);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    private interface IoConsumer<T> {
        void accept(T row) throws IOException;
    }

    private void ndjsonLine(OutputStream out, Object line) throws IOException {
        out.write(json.writeValueAsBytes(line));
        out.write('\n');
    }

    private static ResponseEntity<StreamingResponseBody> attachment(String what, UUID tenantId, String extension,
                                                                    MediaType type, long rows, StreamingResponseBody body) {
        return ResponseEntity.ok().contentType(type).header(EXPECTED_ROWS, String.valueOf(rows))
                .header(HttpHeaders.CONTENT_DISPOSITION,
                        "attachment; filename=\"" + what + "-" + tenantId + "." + extension + "\"")
                .body(body);
    }
}
