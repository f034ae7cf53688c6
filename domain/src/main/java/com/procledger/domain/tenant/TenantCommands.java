package com.procledger.domain.tenant;

import com.procledger.domain.approval.ApprovalStep;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;
import java.util.UUID;

/** Commands on a tenant. */
public final class TenantCommands {

    private TenantCommands() {
    }

    public record CreateTenant(@TargetAggregateIdentifier UUID tenantId, String name, String currency, UUID createdBy) {
    }

    public record ChangeApprovalPolicy(@TargetAggregateIdentifier UUID tenantId, List<ApprovalStep> steps, UUID changedBy) {
    }

    /** @param idleTimeoutMinutes sessions unused for longer end (refresh refused); null for none */
    public record ChangeSecurityPolicy(@TargetAggregateIdentifier UUID tenantId, boolean mfaForEveryone,
                                       java.util.Set<com.procledger.domain.identity.Role> mfaRoles,
                                       Long idleTimeoutMinutes, UUID changedBy) {
    }

    /** Whether members who have said nothing consent to AI processing of their data. */
    public record ChangeConsentDefault(@TargetAggregateIdentifier UUID tenantId, boolean aiProcessing, UUID changedBy) {
    }
}
