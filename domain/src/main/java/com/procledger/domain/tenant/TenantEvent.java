package com.procledger.domain.tenant;

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
}
