package com.procledger.api.requisition;

import com.procledger.api.http.Caller;
import com.procledger.projections.replay.TimeTravel;
import com.procledger.projections.approval.ApprovalInbox;
import com.procledger.projections.approval.ApprovalInbox.InboxItem;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.UUID;

/** The caller's approval inbox: requisitions waiting on a step whose role they hold, not their own (also as of a point in the ledger). */
@RestController
public class ApprovalInboxController {

    private final ApprovalInbox inbox;
    private final TimeTravel timeTravel;

    public ApprovalInboxController(ApprovalInbox inbox, TimeTravel timeTravel) {
        this.inbox = inbox;
        this.timeTravel = timeTravel;
    }

    public record Inbox(List<InboxItem> items) {
    }

    @GetMapping("/api/tenants/{tenantId}/approvals/inbox")
    public ResponseEntity<Inbox> inbox(@PathVariable UUID tenantId, @RequestParam(required = false) String asOf,
                                       Caller caller) {
        caller.requireMember(tenantId);
        if (asOf != null) {
            var then = timeTravel.asOf(tenantId, asOf, TimeTravel.View.APPROVAL_INBOX, null,
                    () -> inbox.inboxOf(tenantId, caller.personId(), caller.roles()));
            return ResponseEntity.ok().header(TimeTravel.HEADER, String.valueOf(then.ledgerSeq())).body(new Inbox(then.value()));
        }
        return ResponseEntity.ok(new Inbox(inbox.inboxOf(tenantId, caller.personId(), caller.roles())));
    }
}
