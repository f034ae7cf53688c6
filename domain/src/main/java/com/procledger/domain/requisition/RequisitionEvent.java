package com.procledger.domain.requisition;

import com.procledger.domain.approval.ApprovalStep;
import com.procledger.domain.identity.Role;
import com.procledger.domain.TenantScoped;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/** Facts in a requisition's life. Type names are stored in the ledger forever. */
public sealed interface RequisitionEvent extends TenantScoped {

    UUID requisitionId();

    record RequisitionRaised(UUID requisitionId, UUID tenantId, UUID requesterId, String title, String department,
                             String vendor, String currency, String justification, LocalDate neededBy,
                             List<RequisitionLine> lines, BigDecimal total) implements RequisitionEvent {
    }

    /** {@code route} is the list of steps that applied under policy {@code policyVersion}, in order. */
    record RequisitionSubmitted(UUID requisitionId, UUID tenantId, UUID submittedBy, int policyVersion,
                                List<ApprovalStep> route) implements RequisitionEvent {
    }

    record ApprovalStepApproved(UUID requisitionId, UUID tenantId, int stepIndex, String stepName, Role role,
                                UUID approvedBy, String comment) implements RequisitionEvent {
    }

    /** Every step of the route has been approved. */
    record RequisitionApproved(UUID requisitionId, UUID tenantId, BigDecimal total, String currency)
            implements RequisitionEvent {
    }

    record RequisitionRejected(UUID requisitionId, UUID tenantId, int stepIndex, String stepName, Role role,
                               UUID rejectedBy, String reason) implements RequisitionEvent {
    }

    record RequisitionCancelled(UUID requisitionId, UUID tenantId, UUID cancelledBy, String reason)
            implements RequisitionEvent {
    }
}
