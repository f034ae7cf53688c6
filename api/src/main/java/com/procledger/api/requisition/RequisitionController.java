package com.procledger.api.requisition;

import com.procledger.api.http.ETags;
import com.procledger.api.http.Caller;
import com.procledger.api.ledger.Commands;
import com.procledger.projections.replay.TimeTravel;
import com.procledger.domain.DomainException;
import com.procledger.domain.identity.Role;
import com.procledger.domain.requisition.RequisitionCommands.ApproveRequisition;
import com.procledger.domain.requisition.RequisitionCommands.CancelRequisition;
import com.procledger.domain.requisition.RequisitionCommands.RaiseRequisition;
import com.procledger.domain.requisition.RequisitionCommands.RejectRequisition;
import com.procledger.domain.requisition.RequisitionCommands.SubmitRequisition;
import com.procledger.domain.requisition.RequisitionLine;
import com.procledger.domain.requisition.RequisitionStatus;
import com.procledger.projections.requisition.RequisitionHistory;
import com.procledger.projections.requisition.RequisitionViews;
import com.procledger.projections.requisition.RequisitionViews.Page;
import com.procledger.projections.requisition.RequisitionViews.RequisitionDetail;
import com.procledger.projections.requisition.RequisitionViews.RequisitionSummary;
import com.procledger.projections.tenant.Tenants;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.math.BigDecimal;
import java.net.URI;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * Requisitions: raise, read, submit, approve, reject, cancel. Every state change answers with the requisition as
 * the read model shows it after the change, and its ETag.
 */
@RestController
@RequestMapping("/api/tenants/{tenantId}/requisitions")
public class RequisitionController {

    public static final int MAX_PAGE_SIZE = 100;

    private final Commands commands;
    private final RequisitionViews views;
    private final RequisitionHistory history;
    private final Tenants tenants;
    private final TimeTravel timeTravel;

    public RequisitionController(Commands commands, RequisitionViews views, RequisitionHistory history, Tenants tenants,
                                 TimeTravel timeTravel) {
        this.commands = commands;
        this.views = views;
        this.history = history;
        this.tenants = tenants;
        this.timeTravel = timeTravel;
    }

    public record LineRequest(@NotBlank @Size(max = 500) String description, @NotBlank @Size(max = 100) String category,
                              @NotNull @Positive @DecimalMax("1000000") BigDecimal quantity,
                              @NotNull @PositiveOrZero @DecimalMax("1000000000") BigDecimal unitPrice) {
    }

    public record NewRequisition(@NotBlank @Size(max = 200) String title, @NotBlank @Size(max = 100) String department,
                                 @NotBlank @Size(max = 200) String vendor,
                                 @NotNull @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as EUR") String currency,
                                 @Size(max = 4000) String justification, LocalDate neededBy,
                                 @NotEmpty @Size(max = 200) List<@NotNull @Valid LineRequest> lines) {
    }

    public record Comment(@Size(max = 2000) String comment) {
    }

    public record Reason(@NotBlank @Size(max = 2000) String reason) {
    }

    public record OptionalReason(@Size(max = 2000) String reason) {
    }

    public record Created(UUID id) {
    }

    public record History(List<RequisitionHistory.Entry> items) {
    }

    @PostMapping
    public ResponseEntity<Created> raise(@PathVariable UUID tenantId, @Valid @RequestBody NewRequisition request,
                                         Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.REQUESTER);
        String tenantCurrency = tenants.get(tenantId).currency();
        UUID id = com.procledger.api.http.RequestIds.next();
        var lines = request.lines().stream()
                .map(l -> new RequisitionLine(l.description(), l.category(), l.quantity(), l.unitPrice())).toList();
        commands.sendAndSettle(new RaiseRequisition(id, tenantId, tenantCurrency, caller.personId(), request.title(),
                request.department(), request.vendor(), request.currency(), request.justification(), request.neededBy(),
                lines), caller.commandMetadata());
        // a new requisition's only event has sequence number 0: its version, whatever the read model says yet
        return ResponseEntity.created(URI.create("/api/tenants/" + tenantId + "/requisitions/" + id))
                .eTag(ETags.of(0)).body(new Created(id));
    }

    /** With {@code asOf} (a ledger_seq or an ISO-8601 time), the list as it stood then, replayed from the ledger. */
    @GetMapping
    public ResponseEntity<Page<RequisitionSummary>> list(@PathVariable UUID tenantId,
                                                         @RequestParam(required = false) RequisitionStatus status,
                                                         @RequestParam(required = false) String department,
                                                         @RequestParam(defaultValue = "0") int page,
                                                         @RequestParam(defaultValue = "20") int size,
                                                         @RequestParam(required = false) String asOf, Caller caller) {
        caller.requireMember(tenantId);
        if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
            throw new DomainException.Invalid("page must be 0 or more and size between 1 and " + MAX_PAGE_SIZE);
        }
        if (asOf != null) {
            var then = timeTravel.asOf(tenantId, asOf, TimeTravel.View.REQUISITIONS, null,
                    () -> views.list(tenantId, status, department, page, size));
            return ResponseEntity.ok().header(TimeTravel.HEADER, String.valueOf(then.ledgerSeq())).body(then.value());
        }
        return ResponseEntity.ok(views.list(tenantId, status, department, page, size));
    }

    @GetMapping("/{id}")
    public ResponseEntity<RequisitionDetail> get(@PathVariable UUID tenantId, @PathVariable UUID id,
                                                 @RequestHeader(value = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch,
                                                 @RequestParam(required = false) String asOf, Caller caller) {
        caller.requireMember(tenantId);
        if (asOf != null) {
            detail(tenantId, id); // an id unknown today is unknown then too, and another tenant's stays hidden
            var then = timeTravel.asOf(tenantId, asOf, TimeTravel.View.REQUISITIONS, id, () -> views.find(tenantId, id));
            return ResponseEntity.ok().header(TimeTravel.HEADER, String.valueOf(then.ledgerSeq())).body(then.value()
                    .orElseThrow(() -> new DomainException.NotFound("requisition " + id + " did not exist yet at ledger_seq "
                            + then.ledgerSeq())));
        }
        RequisitionDetail detail = detail(tenantId, id);
        String etag = ETags.of(detail.version());
        if (etag.equals(ifNoneMatch)) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(etag).build();
        }
        return ResponseEntity.ok().eTag(etag).body(detail);
    }

    @GetMapping("/{id}/history")
    public History history(@PathVariable UUID tenantId, @PathVariable UUID id, Caller caller) {
        caller.requireMember(tenantId);
        detail(tenantId, id);
        return new History(history.of(tenantId, id));
    }

    @PostMapping("/{id}/submit")
    public ResponseEntity<RequisitionDetail> submit(@PathVariable UUID tenantId, @PathVariable UUID id,
                                                    @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                                    Caller caller) {
        caller.requireMember(tenantId);
        var tenant = tenants.get(tenantId);
        return changed(tenantId, id, new SubmitRequisition(id, tenantId, caller.personId(), tenant.policyVersion(),
                tenant.policy(), ETags.expectedVersion(ifMatch)), caller);
    }

    @PostMapping("/{id}/approve")
    public ResponseEntity<RequisitionDetail> approve(@PathVariable UUID tenantId, @PathVariable UUID id,
                                                     @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                                     @Valid @RequestBody(required = false) Comment body, Caller caller) {
        caller.requireMember(tenantId);
        return changed(tenantId, id, new ApproveRequisition(id, tenantId, caller.personId(), caller.roles(),
                body == null ? null : body.comment(), ETags.expectedVersion(ifMatch)), caller);
    }

    @PostMapping("/{id}/reject")
    public ResponseEntity<RequisitionDetail> reject(@PathVariable UUID tenantId, @PathVariable UUID id,
                                                    @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                                    @Valid @RequestBody Reason body, Caller caller) {
        caller.requireMember(tenantId);
        return changed(tenantId, id, new RejectRequisition(id, tenantId, caller.personId(), caller.roles(), body.reason(),
                ETags.expectedVersion(ifMatch)), caller);
    }

    @PostMapping("/{id}/cancel")
    public ResponseEntity<RequisitionDetail> cancel(@PathVariable UUID tenantId, @PathVariable UUID id,
                                                    @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                                    @Valid @RequestBody(required = false) OptionalReason body, Caller caller) {
        caller.requireMember(tenantId);
        return changed(tenantId, id, new CancelRequisition(id, tenantId, caller.personId(),
                body == null ? null : body.reason(), ETags.expectedVersion(ifMatch)), caller);
    }

    private ResponseEntity<RequisitionDetail> changed(UUID tenantId, UUID id, Object command, Caller caller) {
        commands.sendAndSettle(command, caller.commandMetadata());
        RequisitionDetail detail = detail(tenantId, id);
        return ResponseEntity.ok().eTag(ETags.of(detail.version())).body(detail);
    }

    private RequisitionDetail detail(UUID tenantId, UUID id) {
        return views.find(tenantId, id).orElseThrow(() -> new DomainException.NotFound("no requisition " + id));
    }
}
