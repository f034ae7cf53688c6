package com.procledger.domain.requisition;

import com.procledger.domain.approval.ApprovalStep;
import com.procledger.domain.identity.Role;
import com.procledger.domain.TenantScoped;
import com.procledger.domain.privacy.PersonalData;
import org.axonframework.serialization.Revision;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/** Facts in a requisition's life. Type names are stored in the ledger forever. */
public sealed interface RequisitionEvent extends TenantScoped {

    UUID requisitionId();

    /** The title is a business fact (what is bought); the justification is the requester's own text. */
    @Revision("2")
    record RequisitionRaised(UUID requisitionId, UUID tenantId, UUID requesterId, String title, String department,
                             String vendor, String currency, @PersonalData(subject = "requesterId") String justification, LocalDate neededBy,
                             List<RequisitionLine> lines, BigDecimal total) implements RequisitionEvent {
    }

    /** {@code route} is the list of steps that applied under policy {@code policyVersion}, in order. */
    record RequisitionSubmitted(UUID requisitionId, UUID tenantId, UUID submittedBy, int policyVersion,
                                List<ApprovalStep> route) implements RequisitionEvent {
    }

    @Revision("2")
    record ApprovalStepApproved(UUID requisitionId, UUID tenantId, int stepIndex, String stepName, Role role,
                                UUID approvedBy, @PersonalData(subject = "approvedBy") String comment) implements RequisitionEvent {
    }

    /** Every step of the route has been approved. */
    record RequisitionApproved(UUID requisitionId, UUID tenantId, BigDecimal total, String currency)
            implements RequisitionEvent {
    }

    @Revision("2")
    record RequisitionRejected(UUID requisitionId, UUID tenantId, int stepIndex, String stepName, Role role,
                               UUID rejectedBy, @PersonalData(subject = "rejectedBy") String reason) implements RequisitionEvent {
    }

    @Revision("2")
    record RequisitionCancelled(UUID requisitionId, UUID tenantId, UUID cancelledBy,
                                @PersonalData(subject = "cancelledBy") String reason)
            implements RequisitionEvent {
    }
}
