package com.procledger.api.access;

import com.procledger.api.http.Caller;
import com.procledger.domain.DomainException;
import com.procledger.domain.access.AccessEvent.AccessOutcome;
import com.procledger.domain.identity.Role;
import com.procledger.projections.access.AccessLog;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.UUID;

/** The tenant's access log for its compliance team: who touched its data, newest first. */
@RestController
public class AccessEventsController {

    private static final int MAX_PAGE_SIZE = 500;
    private final AccessLog accessLog;
    private final com.procledger.infra.privacy.Sealer sealer;

    public AccessEventsController(AccessLog accessLog, com.procledger.infra.privacy.Sealer sealer) {
        this.accessLog = accessLog;
        this.sealer = sealer;
    }

    @GetMapping("/api/tenants/{tenantId}/access-events")
    public AccessLog.Page list(@PathVariable UUID tenantId,
                               @RequestParam(required = false) Instant from,
                               @RequestParam(required = false) Instant to,
                               @RequestParam(required = false) String actor,
                               @RequestParam(required = false) String action,
                               @RequestParam(required = false) AccessOutcome outcome,
                               @RequestParam(defaultValue = "0") int page,
                               @RequestParam(defaultValue = "50") int size, Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.COMPLIANCE);
        if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
            throw new DomainException.Invalid("page must be 0 or more and size between 1 and " + MAX_PAGE_SIZE);
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new DomainException.Invalid("from must be before to");
        }
        var found = accessLog.find(tenantId, new AccessLog.Filter(from, to, actor, action,
                outcome == null ? null : outcome.name()), page, size);
        // addresses and agents are sealed in the ledger: opened for compliance, or the subject's label once erased
        return new AccessLog.Page(found.items().stream().map(e -> new AccessLog.Entry(e.ledgerSeq(), e.at(), e.actor(),
                e.dataSubject(), e.action(), e.resource(), sealer.open(e.detail()), e.outcome(), e.status(), sealer.open(e.ip()),
                sealer.open(e.userAgent()),
                e.tokenId(), e.correlationId())).toList(), found.page(), found.size(), found.total());
    }
}
