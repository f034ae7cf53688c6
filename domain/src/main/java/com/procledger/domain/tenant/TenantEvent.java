package com.procledger.domain.tenant;

import com.procledger.domain.TenantScoped;
import com.procledger.domain.approval.ApprovalStep;

import java.util.List;
import java.util.UUID;

/** Facts about a tenant. Type names are stored in the ledger forever. */
public sealed interface TenantEvent extends TenantScoped {

    record TenantCreated(UUID tenantId, String name, String currency, UUID createdBy) implements TenantEvent {
    }

    /** The policy in force from this event on; {@code version} counts from 1 per tenant. */
    record ApprovalPolicyChanged(UUID tenantId, int version, List<ApprovalStep> steps, UUID changedBy)
            implements TenantEvent {
    }

    /**
     * Who must sign in with a second factor (everyone, or holders of {@code mfaRoles}), and after how many minutes
     * without use a session ends ({@code idleTimeoutMinutes}, null for never).
     */
    record SecurityPolicyChanged(UUID tenantId, boolean mfaForEveryone, java.util.Set<com.procledger.domain.identity.Role> mfaRoles,
                                 Long idleTimeoutMinutes, UUID changedBy) implements TenantEvent {
    }

    /** Whether a member who has said nothing consents to AI processing of their data. */
    record ConsentDefaultChanged(UUID tenantId, boolean aiProcessing, UUID changedBy) implements TenantEvent {
    }
}
