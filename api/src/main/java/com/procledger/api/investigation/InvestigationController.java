package com.procledger.api.investigation;

import com.procledger.api.access.AccessContext;
import com.procledger.api.export.CsvWriter;
import com.procledger.api.export.ExportController;
import com.procledger.api.http.Caller;
import com.procledger.domain.DomainException;
import com.procledger.domain.identity.Role;
import com.procledger.infra.ledger.LedgerSearch.Criteria;
import com.procledger.infra.ledger.LedgerSearch.Hit;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Breach-investigation timelines: for a time window and indicators (user, token id, IP address or CIDR range,
 * resource, action), the matching access and business events in order, each with its {@code ledger_seq} and hash,
 * and who and what they touch. COMPLIANCE investigates its own tenant; an OPERATOR across tenants. Every
 * investigation is an access event in the ledger whose resource names its job and criteria.
 * <p>
 * Each investigation is a job ({@link InvestigationJobs}): the request waits for it a little and answers in full
 * (200) when it is done by then; a bigger window is answered 202 with the job's address, where its progress, then
 * its answer, can be polled, and its whole timeline streamed. {@code Prefer: respond-async} asks for the 202 at once.
 */
@RestController
public class InvestigationController {

    static final String[] COLUMNS = {"tenantId", "ledgerSeq", "hash", "at", "eventType", "actor", "action", "resource",
            "outcome", "status", "ip", "tokenId", "aggregateType", "aggregateId"};
    private static final List<String> FORMATS = List.of("json", "ndjson", "csv");

    private final InvestigationJobs jobs;
    private final TransactionTemplate readOnly;
    private final JsonMapper json;

    public InvestigationController(InvestigationJobs jobs, PlatformTransactionManager transactions, JsonMapper json) {
        this.jobs = jobs;
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        this.json = json;
    }

    public record InvestigationRequest(@NotNull Instant from, @NotNull Instant to, UUID tenantId,
                                       @Size(max = 100) String actor, @Size(max = 100) String tokenId,
                                       @Size(max = 64) String ip, @Size(max = 2000) String resource,
                                       @Size(max = 100) String action) {
    }

    @PostMapping("/api/tenants/{tenantId}/investigations")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", content = @Content(
            schema = @Schema(implementation = InvestigationJobs.Timeline.class)))
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "202", content = @Content(
            schema = @Schema(implementation = InvestigationJobs.Status.class)))
    public ResponseEntity<StreamingResponseBody> inTenant(@PathVariable UUID tenantId, @Valid @RequestBody InvestigationRequest request,
                                      @RequestParam(defaultValue = "json") String format, Caller caller,
                                      HttpServletRequest http) {
        caller.requireMemberWithRole(tenantId, Role.COMPLIANCE);
        if (request.tenantId() != null && !request.tenantId().equals(tenantId)) {
            throw new DomainException.Invalid("tenantId in the body must be the tenant of the path, or left out");
        }
        return investigate(tenantId, criteria(request, tenantId), format, http);
    }

    @PostMapping("/api/investigations")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", content = @Content(
            schema = @Schema(implementation = InvestigationJobs.Timeline.class)))
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "202", content = @Content(
            schema = @Schema(implementation = InvestigationJobs.Status.class)))
    public ResponseEntity<StreamingResponseBody> acrossTenants(@Valid @RequestBody InvestigationRequest request,
                                           @RequestParam(defaultValue = "json") String format, Caller caller,
                                           HttpServletRequest http) {
        caller.requireAnyRole(Role.OPERATOR);
        return investigate(null, criteria(request, request.tenantId()), format, http);
    }

    /** A tenant's investigation job: progress, then its answer. */
    @GetMapping("/api/tenants/{tenantId}/investigations/{jobId}")
    public InvestigationJobs.Status statusInTenant(@PathVariable UUID tenantId, @PathVariable UUID jobId, Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.COMPLIANCE);
        return job(jobId, tenantId).status();
    }

    @GetMapping("/api/investigations/{jobId}")
    public InvestigationJobs.Status statusAcrossTenants(@PathVariable UUID jobId, Caller caller) {
        caller.requireAnyRole(Role.OPERATOR);
        return job(jobId, null).status();
    }

    /** A finished job's whole timeline, streamed as NDJSON or CSV. */
    @GetMapping("/api/tenants/{tenantId}/investigations/{jobId}/timeline")
    public ResponseEntity<StreamingResponseBody> timelineInTenant(@PathVariable UUID tenantId, @PathVariable UUID jobId,
                                                                  @RequestParam(defaultValue = "ndjson") String format,
                                                                  Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.COMPLIANCE);
        return timeline(job(jobId, tenantId), streamFormat(format));
    }

    @GetMapping("/api/investigations/{jobId}/timeline")
    public ResponseEntity<StreamingResponseBody> timelineAcrossTenants(@PathVariable UUID jobId,
                                                                       @RequestParam(defaultValue = "ndjson") String format,
                                                                       Caller caller) {
        caller.requireAnyRole(Role.OPERATOR);
        return timeline(job(jobId, null), streamFormat(format));
    }

    private InvestigationJobs.Job job(UUID jobId, UUID tenantId) {
        return jobs.find(jobId, tenantId).orElseThrow(() -> new DomainException.NotFound(
                "no investigation " + jobId + " here; finished ones are kept for a while, then run again"));
    }

    private Criteria criteria(InvestigationRequest r, UUID tenantId) {
        if (!r.from().isBefore(r.to())) {
            throw new DomainException.Invalid("from must be before to");
        }
        if (r.ip() != null && !jobs.validAddress(r.ip())) {
            throw new DomainException.Invalid("ip must be an IP address or a CIDR range such as 10.0.0.0/8");
        }
        return new Criteria(r.from(), r.to(), tenantId, blank(r.actor()), blank(r.tokenId()), blank(r.ip()),
                blank(r.resource()), blank(r.action()));
    }

    private ResponseEntity<StreamingResponseBody> investigate(UUID tenantId, Criteria criteria, String format,
                                                              HttpServletRequest http) {
        if (!FORMATS.contains(format)) {
            throw new DomainException.Invalid("format must be json, ndjson or csv");
        }
        InvestigationJobs.Job job = jobs.submit(tenantId, criteria);
        // the investigation itself goes into the ledger with the access event of this request
        AccessContext.of(http).resource("investigation " + job.id());
        AccessContext.of(http).detail(json.writeValueAsString(criteria));
        boolean respondAsync = Collections.list(http.getHeaders("Prefer")).stream()
                .flatMap(prefer -> Arrays.stream(prefer.split(","))).map(String::strip)
                .anyMatch("respond-async"::equalsIgnoreCase);
        if (respondAsync || !job.await(jobs.answerWithin())) {
            String location = (tenantId == null ? "/api" : "/api/tenants/" + tenantId) + "/investigations/" + job.id();
            var accepted = ResponseEntity.status(HttpStatus.ACCEPTED).location(URI.create(location))
                    .contentType(MediaType.APPLICATION_JSON);
            if (respondAsync) {
                accepted.header("Preference-Applied", "respond-async");
            }
            byte[] body = json.writeValueAsBytes(job.status());
            return accepted.body(out -> out.write(body));
        }
        if (job.state() != InvestigationJobs.State.DONE) {
            throw new IllegalStateException("investigation " + job.id() + " failed");
        }
        if (format.equals("json")) {
            byte[] body = json.writeValueAsBytes(job.result());
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(out -> out.write(body));
        }
        return timeline(job, format);
    }

    private static String streamFormat(String format) {
        if (!format.equals("ndjson") && !format.equals("csv")) {
            throw new DomainException.Invalid("format must be ndjson or csv (the JSON answer is the job's result)");
        }
        return format;
    }

    /** Every match of a finished job, streamed; {@code X-Expected-Rows} says how many (progress for the client). */
    private ResponseEntity<StreamingResponseBody> timeline(InvestigationJobs.Job job, String format) {
        switch (job.state()) {
            case QUEUED, RUNNING -> throw new DomainException.IllegalTransition(
                    "investigation " + job.id() + " is still running: poll it until it is DONE");
            case FAILED -> throw new DomainException.IllegalTransition(
                    "investigation " + job.id() + " failed; run it again");
            case DONE -> {
            }
        }
        var answer = ResponseEntity.ok().header(ExportController.EXPECTED_ROWS, String.valueOf(job.result().total()))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"investigation." + format + "\"");
        if (format.equals("ndjson")) {
            return answer.contentType(ExportController.NDJSON).body(out -> {
                var buffered = new BufferedOutputStream(out, 1 << 16);
                stream(job, hit -> write(() -> {
                    buffered.write(json.writeValueAsBytes(hit));
                    buffered.write('\n');
                }));
                buffered.flush();
            });
        }
        return answer.contentType(ExportController.CSV).body(out -> {
            var writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            var csv = new CsvWriter(writer);
            for (String column : COLUMNS) {
                csv.field(column);
            }
            csv.endRecord();
            stream(job, hit -> write(() -> {
                csv.field(hit.tenantId()).field(hit.ledgerSeq()).field(hit.hash()).field(hit.at())
                        .field(hit.eventType()).text(hit.actor()).field(hit.action()).text(hit.resource())
                        .field(hit.outcome()).field(hit.status()).field(hit.ip()).field(hit.tokenId())
                        .field(hit.aggregateType()).field(hit.aggregateId());
                csv.endRecord();
            }));
            writer.flush();
        });
    }

    private void stream(InvestigationJobs.Job job, Consumer<Hit> hit) {
        readOnly.executeWithoutResult(status -> jobs.forEach(job, hit));
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
