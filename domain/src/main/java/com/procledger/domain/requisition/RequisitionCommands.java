package com.procledger.domain.requisition;

import com.procledger.domain.approval.ApprovalStep;
import com.procledger.domain.identity.Role;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;

import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Commands on a requisition. Each carries the caller's tenant, so a command aimed at another tenant's
 * requisition is refused as "not found"; {@code expectedVersion} (from {@code If-Match}) is checked by Axon.
 */
public final class RequisitionCommands {

    private RequisitionCommands() {
    }

    public record RaiseRequisition(@TargetAggregateIdentifier UUID requisitionId, UUID tenantId, String tenantCurrency,
                                   UUID requesterId, String title, String department, String vendor, String currency,
                                   String justification, LocalDate neededBy, List<RequisitionLine> lines) {
    }

    /** Submits for approval under the tenant's policy in force, which the caller reads and passes along. */
    public record SubmitRequisition(@TargetAggregateIdentifier UUID requisitionId, UUID tenantId, UUID actorId,
                                    int policyVersion, List<ApprovalStep> policySteps,
                                    @TargetAggregateVersion Long expectedVersion) {
    }

    public record ApproveRequisition(@TargetAggregateIdentifier UUID requisitionId, UUID tenantId, UUID approverId,
                                     Set<Role> approverRoles, String comment,
                                     @TargetAggregateVersion Long expectedVersion) {
    }

    public record RejectRequisition(@TargetAggregateIdentifier UUID requisitionId, UUID tenantId, UUID approverId,
                                    Set<Role> approverRoles, String reason,
                                    @TargetAggregateVersion Long expectedVersion) {
    }

    public record CancelRequisition(@TargetAggregateIdentifier UUID requisitionId, UUID tenantId, UUID actorId,
                                    String reason, @TargetAggregateVersion Long expectedVersion) {
    }
}
