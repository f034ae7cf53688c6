package com.procledger.api.requisition;

import com.procledger.api.identity.Caller;
import com.procledger.projections.approval.ApprovalInbox;
import com.procledger.projections.approval.ApprovalInbox.InboxItem;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.UUID;

/** The caller's approval inbox: requisitions waiting on a step whose role they hold, not their own. */
@RestController
public class ApprovalInboxController {

    private final ApprovalInbox inbox;

    public ApprovalInboxController(ApprovalInbox inbox) {
        this.inbox = inbox;
    }

    public record Inbox(List<InboxItem> items) {
    }

    @GetMapping("/api/tenants/{tenantId}/approvals/inbox")
    public Inbox inbox(@PathVariable UUID tenantId, Caller caller) {
        caller.requireMember(tenantId);
        return new Inbox(inbox.inboxOf(tenantId, caller.userId(), caller.roles()));
    }
}
